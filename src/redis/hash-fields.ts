/**
 * A number stored in a Redis hash field (Redis keeps strings): null when the field is absent, empty or not a
 * number. The stores read their typed records through it.
 */
export function numberField(value: string | null | undefined): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
