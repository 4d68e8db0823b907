"""Exports the conditional digits pipeline to four ONNX files, with reference outputs and configs.

Writes into models/digits-cond/ (ONNX opset 17, float32; `batch` / `n` are dynamic axes):
  encoder.onnx          prompt        BYTES/string [n]  ->  prompt_embeds float32 [n, 1, E]
                        StringNormalizer (lower-case) -> ai.onnx.ml LabelEncoder (every accepted phrasing of
                        each digit -> 0..9, anything else -> 10, the null class) -> Gather from the denoiser's
                        learned class-embedding table (the exact float32 values) -> Unsqueeze.
  denoiser.onnx         sample float32 [batch, 2, 4, 4], timestep float32 [batch] (sigma * 1000),
                        encoder_hidden_states float32 [batch, 1, E]  ->  velocity float32 [batch, 2, 4, 4]
  denoiser-labels.onnx  sample, timestep, class_labels int64 [batch] (0..9, null 10)  ->  velocity; the same
                        module with the embedding looked up inside (Gather + Unsqueeze, then the same graph)
  decoder.onnx          latent float32 [batch, 2, 4, 4] (scaled, as the denoiser generates)  ->  image float32
                        [batch, 1, 8, 8] in [0, 1]; latent / scale + shift is folded in
  reference.json        seeded inputs and the PyTorch outputs of each file, as OIP v2 JSON tensors
  scheduler_config.json diffusers FlowMatchEulerDiscreteScheduler config the denoiser was trained for
  prompts.json          the encoder's phrasings per class
and byte-identical copies into deploy/triton/digits-cond-*/1/model.onnx.

Run from the repository root after cond_denoiser.py:
    /usr/bin/python3 train/cond_export.py [--out-dir models/digits-cond] [--triton-root deploy/triton]
"""
import argparse
import json
import os
import shutil

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from cond_data import NULL_CLASS, load_cond_digits
from cond_denoiser import load_autoencoder, load_denoiser
from cond_models import LATENT_SHAPE, LabelPathDenoiser, PromptPathDenoiser, ScaledDecoder, encode_scaled

OPSET = 17
ML_OPSET = 2
REFERENCE_SEED = 2025
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
# Reference rows of the denoisers: both ends of the flow-matching schedule and points between.
REFERENCE_SIGMAS = [1.0, 0.999, 0.9, 0.75, 0.5, 0.25, 0.05, 0.001]
REFERENCE_LABELS = [3, 7, NULL_CLASS, 0, 9, NULL_CLASS, 5, 8]
REFERENCE_PROMPTS = [
    "7", "seven", "Seven", "a handwritten 7", "A HANDWRITTEN SEVEN", "the digit 3", "digit 0", "number 9", "an eight",
    "a 1", "handwritten digit two", "", "a cat", "seventy", " 7", "7.", "4 ", "a photo of a 6",
]
SCHEDULER_CONFIG = {
    "_class_name": "FlowMatchEulerDiscreteScheduler",
    "_diffusers_version": "0.31.0",
    "num_train_timesteps": 1000,
    "shift": 1.0,
    "use_dynamic_shifting": False,
    "base_shift": 0.5,
    "max_shift": 1.15,
    "base_image_seq_len": 256,
    "max_image_seq_len": 4096,
    "invert_sigmas": False,
    "shift_terminal": None,
    "use_karras_sigmas": False,
    "use_exponential_sigmas": False,
    "use_beta_sigmas": False,
    "time_shift_type": "exponential",
    "stochastic_sampling": False,
}
TRITON_NAMES = {
    "encoder.onnx": "digits-cond-encoder",
    "denoiser.onnx": "digits-cond-denoiser",
    "denoiser-labels.onnx": "digits-cond-denoiser-labels",
    "decoder.onnx": "digits-cond-decoder",
}


def phrasings() -> dict[int, list[str]]:
    """Every prompt (lower-case, exact) the encoder maps to each digit."""
    out = {}
    for k, word in enumerate(WORDS):
        names = [str(k), word]
        vowel = word[0] in "aeiou"  # "an eight", "an 8"
        forms = set()
        for x in names:
            forms |= {
                x, f"a {x}", f"the {x}",
                f"digit {x}", f"the digit {x}", f"a digit {x}",
                f"number {x}", f"the number {x}", f"a number {x}",
                f"handwritten {x}", f"a handwritten {x}", f"handwritten digit {x}", f"a handwritten digit {x}",
                f"the handwritten digit {x}", f"a handwritten number {x}",
                f"a picture of a {x}", f"a photo of a {x}", f"an image of a {x}", f"a drawing of a {x}",
                f"a picture of the digit {x}", f"a photo of the digit {x}", f"an image of the digit {x}",
            }
            if vowel:
                forms |= {f"an {x}", f"a picture of an {x}", f"a photo of an {x}", f"an image of an {x}", f"a drawing of an {x}"}
        out[k] = sorted(forms)
    return out


def prompt_class(prompt: str, table: dict[str, int]) -> int:
    """What the encoder graph computes: lower-case, then exact lookup, else the null class."""
    return table.get(prompt.lower(), NULL_CLASS)


def build_encoder(embedding: np.ndarray, path: str) -> dict[str, int]:
    keys = {p: k for k, ps in phrasings().items() for p in ps}
    assert len(keys) == sum(len(v) for v in phrasings().values()), "a phrasing names two digits"
    items = sorted(keys.items())
    e = embedding.shape[1]
    nodes = [
        helper.make_node("StringNormalizer", ["prompt"], ["normalized"], case_change_action="LOWER", is_case_sensitive=0, locale="C", name="lower_case"),
        helper.make_node(
            "LabelEncoder", ["normalized"], ["class_labels"], domain="ai.onnx.ml", name="phrasing_to_class",
            keys_strings=[k for k, _ in items], values_int64s=[v for _, v in items], default_int64=NULL_CLASS,
        ),
        helper.make_node("Gather", ["class_embedding", "class_labels"], ["rows"], axis=0, name="embedding_lookup"),
        helper.make_node("Unsqueeze", ["rows", "axis1"], ["prompt_embeds"], name="sequence_axis"),
    ]
    graph = helper.make_graph(
        nodes, "digits_cond_prompt_encoder",
        [helper.make_tensor_value_info("prompt", TensorProto.STRING, ["n"])],
        [helper.make_tensor_value_info("prompt_embeds", TensorProto.FLOAT, ["n", 1, e])],
        initializer=[numpy_helper.from_array(embedding.astype(np.float32), "class_embedding"), numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1")],
    )
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid("ai.onnx.ml", ML_OPSET)], producer_name="train/cond_export.py")
    m.ir_version = 8
    m.doc_string = "Prompt encoder of the conditional digits pipeline: a phrasing of a digit -> its class embedding; anything else -> the null class's (models/digits-cond/MODEL_CARD.md)"
    for k, v in {"null_class": str(NULL_CLASS), "normalization": "lower-case, then exact match", "phrasings": "prompts.json"}.items():
        m.metadata_props.add(key=k, value=v)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return keys


def export_torch(module: torch.nn.Module, args: tuple, path: str, inputs: list[str], output: str, out_row: tuple, doc: str, meta: dict) -> None:
    torch.onnx.export(
        module, args, path, input_names=inputs, output_names=[output],
        dynamic_axes={**{n: {0: "batch"} for n in inputs}, output: {0: "batch"}},
        opset_version=OPSET, do_constant_folding=True,
    )
    m = onnx.load(path)
    # The exporter names row dims that come out of a Reshape symbolically; state them.
    for dim, size in zip(m.graph.output[0].type.tensor_type.shape.dim[1:], out_row):
        dim.dim_value = size
    m.doc_string = doc
    for k, v in meta.items():
        m.metadata_props.add(key=k, value=v)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def tensor(name: str, datatype: str, value) -> dict:
    if datatype == "BYTES":
        return {"name": name, "datatype": datatype, "shape": [len(value)], "data": list(value)}
    a = value.detach().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)
    # float(float32) is exact in a double, and a JSON number parses back to that double.
    data = [int(v) for v in a.flatten()] if datatype == "INT64" else [float(v) for v in a.astype(np.float32).flatten()]
    return {"name": name, "datatype": datatype, "shape": list(a.shape), "data": data}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out-dir", default=os.path.join("models", "digits-cond"))
    p.add_argument("--triton-root", default=os.path.join("deploy", "triton"), help="'' to skip the copies")
    args = p.parse_args()
    torch.set_num_threads(1)
    ae, scale, shift, ae_summary = load_autoencoder()
    model, den_summary = load_denoiser()
    os.makedirs(args.out_dir, exist_ok=True)
    out = lambda f: os.path.join(args.out_dir, f)  # noqa: E731
    table = model.class_embed.weight.detach()
    e = table.shape[1]

    keys = build_encoder(table.numpy(), out("encoder.onnx"))
    prompt_path, label_path = PromptPathDenoiser(model).eval(), LabelPathDenoiser(model).eval()
    decoder = ScaledDecoder(ae, scale, shift).eval()

    g = torch.Generator().manual_seed(REFERENCE_SEED)
    rows = len(REFERENCE_SIGMAS)
    sample = torch.randn((rows,) + LATENT_SHAPE, generator=g)
    timestep = torch.tensor(REFERENCE_SIGMAS, dtype=torch.float32) * 1000.0
    labels = torch.tensor(REFERENCE_LABELS, dtype=torch.int64)
    ehs = table[labels].unsqueeze(1)
    d = load_cond_digits()
    with torch.no_grad():
        real = encode_scaled(ae, torch.from_numpy(d["images"][d["heldout"][:4]]), scale, shift).reshape((-1,) + LATENT_SHAPE)
    latent = torch.cat([real, torch.randn((4,) + LATENT_SHAPE, generator=g)])

    flow_meta = {"prediction_type": "flow (velocity = noise - x0)", "scheduler": "scheduler_config.json", "timestep": "sigma * 1000, float32",
                 "null_class": str(NULL_CLASS), "latent_scale": repr(scale), "latent_shift": repr(shift)}
    export_torch(prompt_path, (sample, timestep, ehs), out("denoiser.onnx"), ["sample", "timestep", "encoder_hidden_states"], "velocity", LATENT_SHAPE,
                 "Class-conditional flow-matching latent denoiser, prompt-embedding input (models/digits-cond/MODEL_CARD.md)", flow_meta)
    export_torch(label_path, (sample, timestep, labels), out("denoiser-labels.onnx"), ["sample", "timestep", "class_labels"], "velocity", LATENT_SHAPE,
                 "Class-conditional flow-matching latent denoiser, class-label input (models/digits-cond/MODEL_CARD.md)", flow_meta)
    export_torch(decoder, (latent,), out("decoder.onnx"), ["latent"], "image", (1, 8, 8),
                 "Latent decoder: scaled latent [2, 4, 4] -> 8x8 digit in [0, 1] (models/digits-cond/MODEL_CARD.md)",
                 {"latent_scale": repr(scale), "latent_shift": repr(shift), "image_range": "[0, 1]", "latent": "(z - shift) * scale"})

    with torch.no_grad():
        v_prompt = prompt_path(sample, timestep, ehs)
        v_label = label_path(sample, timestep, labels)
        image = decoder(latent)
    assert torch.equal(v_prompt, v_label), "the two denoiser paths differ in PyTorch"
    enc_labels = torch.tensor([prompt_class(s, keys) for s in REFERENCE_PROMPTS])
    embeds = table[enc_labels].unsqueeze(1)
    ref = {
        "note": "PyTorch (CPU, float32) outputs of the exported weights on seeded inputs (train/cond_export.py), as OIP v2 JSON tensors",
        "tolerance": {"abs": 1e-4, "encoder": "exact (a table lookup)"},
        "latent_scale": scale,
        "latent_shift": shift,
        "models": {
            "encoder": {"file": "encoder.onnx", "classes": enc_labels.tolist(),
                        "inputs": [tensor("prompt", "BYTES", REFERENCE_PROMPTS)], "outputs": [tensor("prompt_embeds", "FP32", embeds)]},
            "denoiser": {"file": "denoiser.onnx", "classes": REFERENCE_LABELS,
                         "inputs": [tensor("sample", "FP32", sample), tensor("timestep", "FP32", timestep), tensor("encoder_hidden_states", "FP32", ehs)],
                         "outputs": [tensor("velocity", "FP32", v_prompt)]},
            "denoiser-labels": {"file": "denoiser-labels.onnx",
                                "inputs": [tensor("sample", "FP32", sample), tensor("timestep", "FP32", timestep), tensor("class_labels", "INT64", labels)],
                                "outputs": [tensor("velocity", "FP32", v_label)]},
            "decoder": {"file": "decoder.onnx", "inputs": [tensor("latent", "FP32", latent)], "outputs": [tensor("image", "FP32", image)]},
        },
    }
    with open(out("reference.json"), "w") as f:
        json.dump(ref, f)
        f.write("\n")
    with open(out("scheduler_config.json"), "w") as f:
        json.dump(SCHEDULER_CONFIG, f, indent=2)
        f.write("\n")
    with open(out("prompts.json"), "w") as f:
        json.dump({"note": "the encoder lower-cases a prompt and looks it up exactly (no trimming, no punctuation removal); "
                   "anything not listed, the empty string included, is the null class",
                   "null_class": NULL_CLASS, "classes": {str(k): v for k, v in phrasings().items()}}, f, indent=1)
        f.write("\n")
    if args.triton_root:
        for f, name in TRITON_NAMES.items():
            os.makedirs(os.path.join(args.triton_root, name, "1"), exist_ok=True)
            shutil.copyfile(out(f), os.path.join(args.triton_root, name, "1", "model.onnx"))
    sizes = {f: os.path.getsize(out(f)) for f in TRITON_NAMES}
    print(json.dumps({"latent_scale": scale, "latent_shift": shift, "embedding_width": e, "phrasings": len(keys), "bytes": sizes,
                      "autoencoder": ae_summary["final_loss"], "denoiser": den_summary["final_loss"]}, indent=2))


if __name__ == "__main__":
    main()
