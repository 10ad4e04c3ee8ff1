;; Needs exception handling: a try_table block (no tag needed).
(module
  (func (export "f") (result i32)
    (block $done
      (try_table (catch_all $done)))
    i32.const 1))
