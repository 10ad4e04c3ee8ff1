;; Needs GC: a struct type.
(module
  (type $point (struct (field i32) (field i32)))
  (func (export "f") (result i32) i32.const 0))
