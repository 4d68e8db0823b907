"""Writes tools/provider/testdata/dtypes.onnx: a tiny ONNX model with one input of each OIP datatype the
reference provider's tests exercise, for test/oip/provider-datatypes.test.ts.

    f32  FP32  [batch, 3]  -> f32_out  = f32 * 2
    f16  FP16  [batch, 3]  -> f16_out  = f16 * 2          (float16 in and out)
    f64  FP64  [batch]     -> f64_out  = -f64
    i32  INT32 [batch]     -> i32_out  = i32 + 1
    i64  INT64 [batch]     -> i64_out  = i64 + 1
    flag BOOL  [batch]     -> flag_out = not flag
    u8   UINT8 [batch, 2]  -> u8_out   = u8 (identity)
    text BYTES [n]         -> text_out = upper-case(text), ASCII only (StringNormalizer, locale "C": present on every
                                     system, unlike the default en_US.UTF-8); its own dynamic dim "n"

Run from the repository root: /usr/bin/python3 tools/provider/testdata/make_dtypes_onnx.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    io = [
        ("f32", TensorProto.FLOAT, ["batch", 3]),
        ("f16", TensorProto.FLOAT16, ["batch", 3]),
        ("f64", TensorProto.DOUBLE, ["batch"]),
        ("i32", TensorProto.INT32, ["batch"]),
        ("i64", TensorProto.INT64, ["batch"]),
        ("flag", TensorProto.BOOL, ["batch"]),
        ("u8", TensorProto.UINT8, ["batch", 2]),
        ("text", TensorProto.STRING, ["n"]),
    ]
    nodes = [
        helper.make_node("Mul", ["f32", "two_f32"], ["f32_out"]),
        helper.make_node("Mul", ["f16", "two_f16"], ["f16_out"]),
        helper.make_node("Neg", ["f64"], ["f64_out"]),
        helper.make_node("Add", ["i32", "one_i32"], ["i32_out"]),
        helper.make_node("Add", ["i64", "one_i64"], ["i64_out"]),
        helper.make_node("Not", ["flag"], ["flag_out"]),
        helper.make_node("Identity", ["u8"], ["u8_out"]),
        helper.make_node("StringNormalizer", ["text"], ["text_out"], case_change_action="UPPER", locale="C"),
    ]
    init = [
        numpy_helper.from_array(np.array(2, dtype=np.float32), "two_f32"),
        numpy_helper.from_array(np.array(2, dtype=np.float16), "two_f16"),
        numpy_helper.from_array(np.array(1, dtype=np.int32), "one_i32"),
        numpy_helper.from_array(np.array(1, dtype=np.int64), "one_i64"),
    ]
    graph = helper.make_graph(
        nodes, "provider_datatypes",
        [helper.make_tensor_value_info(n, t, s) for n, t, s in io],
        [helper.make_tensor_value_info(f"{n}_out", t, s) for n, t, s in io],
        initializer=init,
    )
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="make_dtypes_onnx.py")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(HERE, "dtypes.onnx"))


if __name__ == "__main__":
    main()
