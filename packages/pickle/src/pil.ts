import { PickleContentError } from './content-error.ts';
import { describe } from './numpy.ts';

/**
 * PIL images as Pillow pickles them (every Pillow from 9 to 11 writes the same thing):
 *
 *   NEWOBJ PIL.PngImagePlugin.PngImageFile ()      (or PIL.Image.Image after .resize(), JpegImageFile, ...)
 *   BUILD [info: dict, mode: str, size: (width, height), palette: list | None, data: bytes = im.tobytes()]
 *
 * `data` is the raw, row-major pixel buffer: for mode 'L' one byte per pixel, for 'RGB' three.
 * hitcast keeps 8-bit grey pixels: 'L' as is, 'RGB' converted with Pillow's own ITU-R 601-2 luma formula,
 * everything else refused (a 16-bit or palette spectrogram has no single obvious 8-bit grey version).
 */

export const PIL_IMAGE_CLASSES: [string, string][] = [
  ['PIL.Image', 'Image'],
  ['PIL.PngImagePlugin', 'PngImageFile'],
  ['PIL.JpegImagePlugin', 'JpegImageFile'],
];

export const SUPPORTED_MODES = ['L', 'RGB'];

export class PilImage {
  readonly pythonType: string;
  mode = '';
  width = 0;
  height = 0;
  data: Uint8Array = new Uint8Array(0);
  private complete = false;

  constructor(className: string) {
    this.pythonType = className;
  }

  __setstate__(state: unknown): void {
    if (!Array.isArray(state) || state.length < 5) {
      throw new PickleContentError(`${this.pythonType} state ${describe(state)} is not Pillow's [info, mode, size, palette, data]`);
    }
    const [, mode, size, , data] = state;
    if (typeof mode !== 'string') throw new PickleContentError(`${this.pythonType} mode ${describe(mode)}`);
    if (!Array.isArray(size) || size.length !== 2 || !size.every((n) => Number.isSafeInteger(n) && n >= 0)) {
      throw new PickleContentError(`${this.pythonType} size ${describe(size)} is not (width, height)`);
    }
    if (!(data instanceof Uint8Array)) throw new PickleContentError(`${this.pythonType} pixel data is ${describe(data)}`);
    this.mode = mode;
    [this.width, this.height] = size as [number, number];
    this.data = data;
    this.complete = true;
  }

  /** Why this image cannot become 8-bit grey pixels, or undefined when it can. */
  problem(): string | undefined {
    if (!this.complete) return 'an image that never received its pixels';
    const channels = this.mode === 'L' ? 1 : this.mode === 'RGB' ? 3 : 0;
    if (!channels) return `an image of mode '${this.mode}' (hitcast reads 'L' and 'RGB')`;
    if (this.data.length !== this.width * this.height * channels) {
      return `a ${this.width}x${this.height} mode ${this.mode} image with ${this.data.length} bytes of pixels`;
    }
    return undefined;
  }

  /** Row-major 8-bit grey pixels (height rows of width bytes). */
  luminance(): Uint8Array {
    const problem = this.problem();
    if (problem) throw new PickleContentError(`cannot convert ${problem}`);
    if (this.mode === 'L') return this.data;
    const out = new Uint8Array(this.width * this.height);
    const rgb = this.data;
    for (let i = 0, j = 0; i < out.length; i++, j += 3) {
      // Pillow's Convert.c rgb2l: L = R*299/1000 + G*587/1000 + B*114/1000 in 16-bit fixed point, rounded.
      out[i] = (rgb[j] * 19595 + rgb[j + 1] * 38470 + rgb[j + 2] * 7471 + 0x8000) >> 16;
    }
    return out;
  }
}

/** A constructor pickleparser can NEWOBJ for one Pillow class name. */
export function pilImageClass(module: string, name: string): new () => PilImage {
  return class extends PilImage {
    constructor() {
      super(`${module}.${name}`);
    }
  };
}
