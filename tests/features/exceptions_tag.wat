;; Needs exception handling: a tag.
(module
  (tag $e (param i32)))
