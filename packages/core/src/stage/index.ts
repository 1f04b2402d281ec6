export { defineStage, resultParams, speedParams, type StageContext, type StageDefinition, type StageModule, type StageResult } from './definition.ts';
export { checks, readStageParams } from './read-stage-params.ts';
export { applyDataRoot, DATA_ROOT_ENV, DATA_ROOT_LAYOUT, dataRoot } from './data-root.ts';
export { runStage, runStageCommand, type RunStageOptions } from './run-stage.ts';
export { loadStageDefinition, runStageMain } from './main.ts';
