// Reads the tensor blocks of a Triton config.pbtxt; shared by the deploy tests of every Triton model entry.

export interface TritonTensor {
  name: string;
  dataType: string;
  dims: number[];
  reshape?: number[];
}

// Just enough of the protobuf text format for the tensor blocks of config.pbtxt (no nested braces
// besides reshape, one tensor per { }), so the test needs no protobuf dependency.
export function tensors(pbtxt: string, section: "input" | "output"): TritonTensor[] {
  const body = pbtxt.replace(/#.*$/gm, "").match(new RegExp(`\\b${section}\\s*\\[([\\s\\S]*?)\\n\\]`))?.[1] ?? "";
  return [...body.matchAll(/\{((?:[^{}]|\{[^{}]*\})*)\}/g)].map(([, block]) => {
    const dims = (key: string) => block.match(new RegExp(`${key}\\s*:\\s*\\[([^\\]]*)\\]`))?.[1];
    const list = (s: string) => s.split(",").map((v) => v.trim()).filter(Boolean).map(Number);
    const reshape = dims("shape");
    return {
      name: block.match(/name\s*:\s*"([^"]+)"/)?.[1] ?? "",
      dataType: block.match(/data_type\s*:\s*(\w+)/)?.[1] ?? "",
      dims: list(dims("dims") ?? ""),
      ...(reshape === undefined ? {} : { reshape: list(reshape) }),
    };
  });
}
