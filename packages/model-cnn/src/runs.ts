/** The CNN runs of the study: without augmentation (naive "CNN only") and with it (the backbone for fusion). */
export const CNN_RUNS = {
  'cnn-only': { augment: false },
  'cnn-pretrained': { augment: true },
} as const;
export type CnnRun = keyof typeof CNN_RUNS;
