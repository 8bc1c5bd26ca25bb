// Import, export and feeds for a group, shared by the app and the relay: pure TypeScript over the model.
export { exportGroup, isExportFormat, EXPORT_FORMATS, type ExportFormat, type ExportedFile } from './export/index';
export { importFile, planImport, applyImport, assertImportable, checkImportSize, type ImportedFile } from './import/index';
export { applyPlan, applyPlanInSteps, PlanApplier, plural, type SteppedSummary, type StepOptions } from './import/apply';
export { previewImport, previewAgainst, outlineGroup, withoutPrivate, type GroupOutline, type ImportPreview } from './import/preview';
export {
	ImportError,
	MAX_IMPORT_BYTES,
	type ImportSummary,
	type ImportProgress,
	type ImportPlan,
	type ProgressListener
} from './import/types';
export { renderFeed, renderRss, renderAtom, renderOpml, feedUrl, FEED_LIMIT, type FeedFormat, type FeedOptions } from './feeds';
