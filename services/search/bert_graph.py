"""A BERT encoder with mean pooling as an ONNX graph, built from the model's weights without PyTorch.

The graph uses ONNX Runtime's fused CPU operators (domain `com.microsoft`), the same ones its
transformer optimizer produces for BERT: EmbedLayerNormalization, Attention, SkipLayerNormalization
and BiasGelu, all in float32 with exact (erf) GELU, so the vectors match the reference model.

Inputs: `input_ids` and `attention_mask` (int32, batch x sequence, padded on the right).
Output: `pooled` (float32, batch x hidden), the mean of the last hidden states over the attention
mask, not normalised (the caller combines windows of long texts, then normalises).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MS = "com.microsoft"
OPSET = 17


@dataclass(frozen=True)
class BertShape:
    layers: int
    hidden: int
    heads: int
    epsilon: float

    @classmethod
    def from_config(cls, config: dict) -> "BertShape":
        return cls(layers=int(config["num_hidden_layers"]), hidden=int(config["hidden_size"]),
                   heads=int(config["num_attention_heads"]), epsilon=float(config.get("layer_norm_eps", 1e-12)))


class _Graph:
    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []

    def weight(self, name: str, array: np.ndarray) -> str:
        name = f"w.{name}"  # initializers and node outputs share one namespace
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(self, op: str, inputs: list[str], output: str, *, domain: str = "", outputs: int = 1, **attrs) -> str:
        names = [output] + [f"{output}__{i}" for i in range(1, outputs)]
        self.nodes.append(helper.make_node(op, inputs, names, name=output, domain=domain or None, **attrs))
        return output


def build(weights: dict[str, np.ndarray], config: dict) -> onnx.ModelProto:
    """The ONNX model of a BERT checkpoint (Hugging Face names, with or without a `bert.` prefix)."""
    shape = BertShape.from_config(config)
    w = {name.removeprefix("bert."): value.astype(np.float32) for name, value in weights.items()
         if value.dtype.kind == "f"}
    g = _Graph()
    batch, seq = "batch", "sequence"
    hidden = _embeddings(g, w, shape)
    for layer in range(shape.layers):
        hidden = _layer(g, w, shape, layer, hidden)
    _mean_pool(g, hidden)
    graph = helper.make_graph(
        g.nodes, "bert_mean_pooling",
        inputs=[helper.make_tensor_value_info("input_ids", TensorProto.INT32, [batch, seq]),
                helper.make_tensor_value_info("attention_mask", TensorProto.INT32, [batch, seq])],
        outputs=[helper.make_tensor_value_info("pooled", TensorProto.FLOAT, [batch, shape.hidden])],
        initializer=g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(MS, 1)],
                              producer_name="omniclaude")
    model.ir_version = 8
    return model


def _embeddings(g: _Graph, w: dict[str, np.ndarray], shape: BertShape) -> str:
    """Word + position + token-type embeddings, layer-normalised; also the mask index Attention reads."""
    g.node("Shape", ["input_ids"], "ids_shape")
    zero = helper.make_tensor("zero", TensorProto.INT32, [1], [0])
    g.node("ConstantOfShape", ["ids_shape"], "segment_ids", value=zero)
    g.node("EmbedLayerNormalization", [
        "input_ids", "segment_ids",
        g.weight("word_embeddings", w["embeddings.word_embeddings.weight"]),
        g.weight("position_embeddings", w["embeddings.position_embeddings.weight"]),
        g.weight("token_type_embeddings", w["embeddings.token_type_embeddings.weight"]),
        g.weight("embeddings_ln_gamma", w["embeddings.LayerNorm.weight"]),
        g.weight("embeddings_ln_beta", w["embeddings.LayerNorm.bias"]),
        "attention_mask"], "embedded", domain=MS, outputs=2, epsilon=shape.epsilon)
    return "embedded"


def _layer(g: _Graph, w: dict[str, np.ndarray], shape: BertShape, layer: int, hidden: str) -> str:
    p = f"encoder.layer.{layer}."
    a = f"{p}attention."
    qkv = np.concatenate([w[f"{a}self.{part}.weight"].T for part in ("query", "key", "value")], axis=1)
    qkv_bias = np.concatenate([w[f"{a}self.{part}.bias"] for part in ("query", "key", "value")])
    attended = g.node("Attention", [hidden, g.weight(f"l{layer}_qkv", qkv), g.weight(f"l{layer}_qkv_bias", qkv_bias),
                                    "embedded__1"], f"l{layer}_attention", domain=MS, num_heads=shape.heads)
    projected = g.node("MatMul", [attended, g.weight(f"l{layer}_out", w[f"{a}output.dense.weight"].T)],
                       f"l{layer}_attention_out")
    normed = g.node("SkipLayerNormalization", [
        projected, hidden, g.weight(f"l{layer}_ln1_gamma", w[f"{a}output.LayerNorm.weight"]),
        g.weight(f"l{layer}_ln1_beta", w[f"{a}output.LayerNorm.bias"]),
        g.weight(f"l{layer}_out_bias", w[f"{a}output.dense.bias"])],
        f"l{layer}_ln1", domain=MS, epsilon=shape.epsilon)
    up = g.node("MatMul", [normed, g.weight(f"l{layer}_up", w[f"{p}intermediate.dense.weight"].T)], f"l{layer}_up")
    activated = g.node("BiasGelu", [up, g.weight(f"l{layer}_up_bias", w[f"{p}intermediate.dense.bias"])],
                       f"l{layer}_gelu", domain=MS)
    down = g.node("MatMul", [activated, g.weight(f"l{layer}_down", w[f"{p}output.dense.weight"].T)], f"l{layer}_down")
    return g.node("SkipLayerNormalization", [
        down, normed, g.weight(f"l{layer}_ln2_gamma", w[f"{p}output.LayerNorm.weight"]),
        g.weight(f"l{layer}_ln2_beta", w[f"{p}output.LayerNorm.bias"]),
        g.weight(f"l{layer}_down_bias", w[f"{p}output.dense.bias"])],
        f"l{layer}_ln2", domain=MS, epsilon=shape.epsilon)


def _mean_pool(g: _Graph, hidden: str) -> None:
    """sum(hidden x mask) / max(sum(mask), 1e-9) over the sequence, as sentence-transformers does."""
    g.node("Cast", ["attention_mask"], "mask_float", to=TensorProto.FLOAT)
    g.node("Unsqueeze", ["mask_float", g.weight("axis_2", np.array([2], dtype=np.int64))], "mask_3d")
    g.node("Mul", [hidden, "mask_3d"], "masked")
    axis_1 = g.weight("axis_1", np.array([1], dtype=np.int64))
    g.node("ReduceSum", ["masked", axis_1], "summed", keepdims=0)
    g.node("ReduceSum", ["mask_3d", axis_1], "counted", keepdims=0)
    g.node("Max", ["counted", g.weight("tiny", np.array([1e-9], dtype=np.float32))], "counted_safe")
    g.node("Div", ["summed", "counted_safe"], "pooled")
