(module
  (memory (export "mem") 1 65536)
  (func (export "sum") (param $n i32) (result i64)
    (local $i i32) (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (loop $l
      (local.set $a (i64x2.add (local.get $a) (v128.load offset=0 (local.get $i))))
      (local.set $b (i64x2.add (local.get $b) (v128.load offset=16 (local.get $i))))
      (local.set $c (i64x2.add (local.get $c) (v128.load offset=32 (local.get $i))))
      (local.set $d (i64x2.add (local.get $d) (v128.load offset=48 (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 64)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $a (i64x2.add (i64x2.add (local.get $a) (local.get $b)) (i64x2.add (local.get $c) (local.get $d))))
    (i64.add (i64x2.extract_lane 0 (local.get $a)) (i64x2.extract_lane 1 (local.get $a)))))
