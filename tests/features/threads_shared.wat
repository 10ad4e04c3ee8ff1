;; Needs threads: a shared memory.
(module
  (memory 1 1 shared))
