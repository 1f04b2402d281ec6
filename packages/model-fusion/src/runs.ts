/** The two fusion runs of the study. */
export const FUSION_RUNS = ['combined-naive', 'fusion-pretrained'] as const;
export type FusionRun = (typeof FUSION_RUNS)[number];
