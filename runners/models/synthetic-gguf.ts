/**
 * Writes a GGUF v3 file of a named model's exact shape and quantization with random weights
 * (see lib/core/measure/model-shapes.ts). The tokenizer is a byte-level SentencePiece vocabulary
 * (<unk>, <s>, </s>, the 256 byte tokens, "▁") padded with unused tokens to the model's vocabulary
 * size, so ASCII text round-trips, generated text is valid UTF-8, and the embedding matrices have
 * their real size.
 */
import { createCipheriv, createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { GGML_TYPES, QUANTS, tensorBytes, tensorSpecs, type ModelShape, type Quant, type TensorType } from "../../lib/core/measure/model-shapes";

const ALIGN = 32;
const enum T {
  U32 = 4,
  I32 = 5,
  F32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
}

class Writer {
  private parts: Buffer[] = [];
  size = 0;
  push(b: Buffer) {
    this.parts.push(b);
    this.size += b.length;
  }
  u32(v: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string) {
    const b = Buffer.from(s, "utf8");
    this.u64(b.length);
    this.push(b);
  }
  kv(key: string, type: T, value: unknown) {
    this.str(key);
    this.u32(type);
    if (type === T.U32) this.u32(value as number);
    else if (type === T.I32) this.i32(value as number);
    else if (type === T.F32) this.f32(value as number);
    else if (type === T.BOOL) this.push(Buffer.from([value ? 1 : 0]));
    else if (type === T.STRING) this.str(value as string);
  }
  arr(key: string, elemType: T, values: readonly (string | number)[]) {
    this.str(key);
    this.u32(T.ARRAY);
    this.u32(elemType);
    this.u64(values.length);
    for (const v of values) {
      if (elemType === T.STRING) this.str(v as string);
      else if (elemType === T.F32) this.f32(v as number);
      else this.i32(v as number);
    }
  }
  concat() {
    return Buffer.concat(this.parts);
  }
}

export function syntheticVocabulary(size: number) {
  const tokens = ["<unk>", "<s>", "</s>"];
  const types = [2, 3, 3];
  for (let i = 0; i < 256; i++) {
    tokens.push(`<0x${i.toString(16).toUpperCase().padStart(2, "0")}>`);
    // Bytes 0x80-0xFF are plain tokens spelled "<0x80>"...: random weights sample them in any
    // order, and as bytes they decode to invalid UTF-8, on which wllama 3.13 aborts ("Invalid typed
    // array length"). Prompts are ASCII, so nothing else changes; the speed is the same.
    types.push(i < 0x80 ? 6 : 1);
  }
  tokens.push("\u2581");
  types.push(1);
  if (size < tokens.length) throw new Error(`vocabulary of ${size} is smaller than the ${tokens.length} base tokens`);
  for (let i = tokens.length; i < size; i++) {
    tokens.push(`<unused_${i}>`);
    types.push(5);
  }
  return { tokens, types, scores: new Array<number>(size).fill(0) };
}

/**
 * Pseudo-random bytes that are the same on every machine (AES-256-CTR keystream under a key named
 * after the tensor type): a synthetic file of one shape and quantization is byte-identical wherever
 * it is written, so runs of it on different devices compute the same function and their
 * correctness fingerprints (lib/core/measure/fingerprint.ts) can be compared.
 */
function deterministicBytes(label: string, length: number): Buffer {
  const key = createHash("sha256").update(`tokenwatt synthetic weights ${label}`).digest();
  return createCipheriv("aes-256-ctr", key, Buffer.alloc(16)).update(Buffer.alloc(length));
}

/**
 * Random, finite weights in the tensor's encoding: `blocks` whole blocks (1 MiB by default, reused
 * through a tensor), under the key `label`.
 */
function weightPattern(type: TensorType, label: string = type, size = 1 << 20): Buffer {
  if (type === "F32") {
    const b = Buffer.alloc(4096);
    for (let i = 0; i < 1024; i++) b.writeFloatLE(1, i * 4); // norm weights: 1.0
    return b;
  }
  const q = GGML_TYPES[type];
  const blocks = Math.floor(size / q.blockBytes);
  const b = deterministicBytes(label, blocks * q.blockBytes);
  if (type === "F16") {
    // random fp16 values of magnitude 2^-8..2^-7, either sign
    for (let i = 0; i < b.length; i += 2) b.writeUInt16LE((b.readUInt16LE(i) & 0x83ff) | (0x07 << 10), i);
    return b;
  }
  // Each block's fp16 scale(s) small and finite (~0.008); the quants stay random. Q8_0's quants
  // reach 127 (Q4_0's 8): its scale is 2^-9 (~0.002), so that its weights are as small as the
  // others' and a layer does not multiply its input's size by ~10: a network of such layers is
  // chaotic, and two correct CPU kernels (AVX2, WebAssembly SIMD) then decode different tokens.
  const exponent = type === "Q8_0" ? 0x1800 : 0x2000;
  const scale = (at: number) => b.writeUInt16LE(exponent | (b.readUInt16LE(at) & 0xff), at);
  for (let i = 0; i < blocks; i++) {
    const at = i * q.blockBytes;
    if (type === "Q6_K") scale(at + 208); // ql[128] qh[64] scales[16] d
    else if (type === "Q4_K") {
      scale(at); // d
      scale(at + 2); // dmin
    } else scale(at); // Q4_0, Q5_0, Q8_0: d first
    if (type === "Q4_0") {
      // Q4_0 stores q - 8 for nibbles 0..15: uniform nibbles average -0.5, a bias that adds up
      // through the layers until every token decodes to the same id. Nibble 0 (-8) becomes 8 (0).
      for (let k = at + 2; k < at + q.blockBytes; k++) b[k] = SYMMETRIC_Q4[b[k]!]!;
    }
  }
  return b;
}

const SYMMETRIC_Q4 = Uint8Array.from({ length: 256 }, (_, v) => ((v >> 4 || 8) << 4) | (v & 15 || 8));

/** Writes the file atomically (temporary name, then rename). Returns its size in bytes. */
export function writeSyntheticGguf(file: string, shape: ModelShape, quant: Quant): number {
  const tensors = tensorSpecs(shape, quant);
  const vocab = syntheticVocabulary(shape.vocabSize);
  const w = new Writer();
  const kvs = new Writer();
  let kvCount = 0;
  const kv = (k: string, t: T, v: unknown) => (kvs.kv(k, t, v), kvCount++);
  kv("general.architecture", T.STRING, "llama");
  kv("general.name", T.STRING, `${shape.name} (synthetic ${quant}, random weights)`);
  kv("general.file_type", T.U32, QUANTS[quant].fileType);
  kv("general.alignment", T.U32, ALIGN);
  kv("llama.context_length", T.U32, shape.contextLength);
  kv("llama.embedding_length", T.U32, shape.hiddenSize);
  kv("llama.block_count", T.U32, shape.layers);
  kv("llama.feed_forward_length", T.U32, shape.ffnSize);
  kv("llama.attention.head_count", T.U32, shape.heads);
  kv("llama.attention.head_count_kv", T.U32, shape.kvHeads);
  kv("llama.attention.layer_norm_rms_epsilon", T.F32, shape.rmsEps);
  kv("llama.rope.dimension_count", T.U32, shape.hiddenSize / shape.heads);
  kv("llama.rope.freq_base", T.F32, shape.ropeTheta);
  kv("llama.vocab_size", T.U32, shape.vocabSize);
  kv("tokenizer.ggml.model", T.STRING, "llama");
  kvs.arr("tokenizer.ggml.tokens", T.STRING, vocab.tokens);
  kvs.arr("tokenizer.ggml.scores", T.F32, vocab.scores);
  kvs.arr("tokenizer.ggml.token_type", T.I32, vocab.types);
  kvCount += 3;
  kv("tokenizer.ggml.unknown_token_id", T.U32, 0);
  kv("tokenizer.ggml.bos_token_id", T.U32, 1);
  kv("tokenizer.ggml.eos_token_id", T.U32, 2);
  kv("tokenizer.ggml.add_bos_token", T.BOOL, true);

  w.push(Buffer.from("GGUF"));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(kvCount);
  w.push(kvs.concat());
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_TYPES[t.type].ggmlType);
    w.u64(offset);
    offsets.push(offset);
    offset += Math.ceil(tensorBytes(t) / ALIGN) * ALIGN;
  }
  const header = w.concat();
  const pad = (ALIGN - (header.length % ALIGN)) % ALIGN;

  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, header);
    fs.writeSync(fd, Buffer.alloc(pad));
    const patterns = new Map<string, Buffer>();
    for (const t of tensors) {
      // The vocabulary matrices get weights of their own, never repeated: a repeating pattern gives
      // groups of identical rows, hence tied logits, and greedy decoding would only break ties.
      const vocab = t.name === "token_embd.weight" || t.name === "output.weight";
      let p = vocab ? weightPattern(t.type, `${t.type} ${t.name}`, tensorBytes(t)) : patterns.get(t.type);
      if (!p) patterns.set(t.type, (p = weightPattern(t.type)));
      let left = tensorBytes(t);
      while (left > 0) {
        const n = Math.min(left, p.length);
        fs.writeSync(fd, p, 0, n);
        left -= n;
      }
      const tail = (ALIGN - (tensorBytes(t) % ALIGN)) % ALIGN;
      if (tail) fs.writeSync(fd, Buffer.alloc(tail));
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  return fs.statSync(file).size;
}
