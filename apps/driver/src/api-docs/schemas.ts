/** Schemas the OpenAPI response classes share (`Record<string, number>` and the like). */
export const NUMBER_MAP = { type: 'object', additionalProperties: { type: 'number' } } as const;
export const FREE_OBJECT = { type: 'object', additionalProperties: true } as const;
