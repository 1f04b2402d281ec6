/**
 * A loaded bundle: its tfjs model and tokenizer, predicting popularity for prepared songs in batches.
 * Importing this module loads tfjs and registers hitcast's custom layers (so saved models rebuild);
 * select a backend (`selectBackend` from @hitcast/core/tf) before loading.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { HitcastError } from '@hitcast/core/errors';
import { loadModel } from '@hitcast/core/tf';
import '@hitcast/core/training/seeded-dropout';
import { toModelInput } from '@hitcast/model-cnn/augment';
import '@hitcast/model-text/layers';
import { WordPieceTokenizer } from '@hitcast/model-text/tokenizer';
import { inputsOf, TOKENIZER_FILE } from './bundle-format.ts';
import { modelDirOf, readBundle, reexportCommand, type Bundle } from './bundle-read.ts';
import type { SongText } from './inputs.ts';

/** One song's model inputs: CNN-sized pixels and/or token ids, as the bundle's kind reads them. */
export interface ModelInputs {
  pixels?: Uint8Array;
  tokens?: Int32Array;
}

export class Predictor {
  private constructor(
    readonly bundle: Bundle,
    private readonly model: tf.LayersModel,
    readonly tokenizer: WordPieceTokenizer | undefined,
  ) {}

  /** Reads and checks the bundle in `dir`, then loads its model and tokenizer. */
  static async load(dir: string): Promise<Predictor> {
    return Predictor.fromBundle(await readBundle(dir));
  }

  static async fromBundle(bundle: Bundle): Promise<Predictor> {
    const { manifest } = bundle;
    const fix = `export the model again: ${reexportCommand(manifest, bundle.dir)}`;
    let model: tf.LayersModel;
    try {
      model = await loadModel(modelDirOf(bundle));
    } catch (error) {
      throw new HitcastError(`model bundle ${bundle.dir}: its model cannot be loaded (${(error as Error).message})`, { fix, cause: error });
    }
    const reads = inputsOf(manifest.kind);
    const names = model.inputs.map((input) => input.name);
    if (model.inputs.length !== Number(reads.spectrogram) + Number(reads.text)) {
      throw new HitcastError(`model bundle ${bundle.dir} says kind "${manifest.kind}", but its model takes ${model.inputs.length} inputs (${names.join(', ')})`, { fix });
    }
    if (reads.spectrogram) {
      const [, height, width] = model.inputs[0].shape;
      const expected = manifest.inputs.spectrogram!.model;
      if (height !== expected.height || width !== expected.width) {
        throw new HitcastError(`model bundle ${bundle.dir}: the CNN takes ${height}×${width} inputs, bundle.json says ${expected.height}×${expected.width}`, { fix });
      }
    }
    let tokenizer: WordPieceTokenizer | undefined;
    if (reads.text) {
      tokenizer = await WordPieceTokenizer.load(path.join(bundle.dir, TOKENIZER_FILE));
      if (tokenizer.vocabSize !== manifest.inputs.text!.vocabSize) {
        throw new HitcastError(`model bundle ${bundle.dir}: tokenizer.json has ${tokenizer.vocabSize} tokens, bundle.json says ${manifest.inputs.text!.vocabSize}`, { fix });
      }
    }
    return new Predictor(bundle, model, tokenizer);
  }

  get kind() {
    return this.bundle.manifest.kind;
  }

  /** Token ids of a song (padded to the tokenizer's maxLength). */
  tokenize(song: SongText): Int32Array {
    if (!this.tokenizer) throw new Error(`a ${this.kind} bundle reads no text`);
    return this.tokenizer.encode(song);
  }

  /**
   * Raw predictions, popularity 0–100 scale (model output × 100, not clamped), one per song, in order.
   * Runs in inference mode (dropout off, batch-norm moving statistics), so each song's prediction does
   * not depend on the others in its batch.
   */
  predict(songs: readonly ModelInputs[]): Float64Array {
    const out = new Float64Array(songs.length);
    if (!songs.length) return out;
    const reads = inputsOf(this.kind);
    const values = tf.tidy(() => {
      const inputs: tf.Tensor[] = [];
      if (reads.spectrogram) inputs.push(this.pixelsTensor(songs));
      if (reads.text) inputs.push(this.tokensTensor(songs));
      return (this.model.predict(inputs.length === 1 ? inputs[0] : inputs) as tf.Tensor).dataSync();
    });
    for (let i = 0; i < songs.length; i++) out[i] = values[i] * 100;
    return out;
  }

  private pixelsTensor(songs: readonly ModelInputs[]): tf.Tensor4D {
    const { height, width } = this.bundle.manifest.inputs.spectrogram!.model;
    const size = height * width;
    const data = new Float32Array(songs.length * size);
    songs.forEach((song, k) => {
      if (!song.pixels || song.pixels.length !== size) throw new Error(`song ${k}: expected ${size} spectrogram pixels, got ${song.pixels?.length ?? 'none'}`);
      data.set(toModelInput(song.pixels), k * size);
    });
    return tf.tensor4d(data, [songs.length, height, width, 1]);
  }

  /** [songs, longest] int32: trailing padding dropped (padding changes no prediction: attention and pooling skip it). */
  private tokensTensor(songs: readonly ModelInputs[]): tf.Tensor2D {
    let longest = 1;
    for (const [k, song] of songs.entries()) {
      if (!song.tokens) throw new Error(`song ${k}: no token ids`);
      const end = song.tokens.indexOf(0);
      longest = Math.max(longest, end === -1 ? song.tokens.length : end);
    }
    const data = new Int32Array(songs.length * longest);
    songs.forEach((song, k) => data.set(song.tokens!.subarray(0, longest), k * longest));
    return tf.tensor2d(data, [songs.length, longest], 'int32');
  }

  dispose(): void {
    this.model.dispose();
  }
}
