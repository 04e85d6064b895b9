/**
 * The report formats of `certboot lint`, in the order its help names them. A module of its own,
 * with no imports, so that the CLI can check `--format` without loading the formatters.
 */
export const reportFormats = ['text', 'json', 'sarif', 'gitlab'] as const;

export type ReportFormat = (typeof reportFormats)[number];
