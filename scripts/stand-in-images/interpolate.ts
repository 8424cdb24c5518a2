/**
 * Compose-style variable interpolation: `${NAME}`, `${NAME:-default}`, `${NAME-default}` and
 * `$NAME`, with `$$` for a literal dollar. Dockerfile ARG references use the same forms.
 */
export function interpolate(text: string, values: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (
      whole: string,
      braced: string | undefined,
      colon: string | undefined,
      operator: string | undefined,
      word: string | undefined,
      bare: string | undefined,
    ): string => {
      if (whole === '$$') return '$';
      const name = (braced ?? bare)!;
      const value = values[name];
      const unset = value === undefined || (colon === ':' && value === '');
      switch (operator) {
        case '-':
          return unset ? (word ?? '') : value;
        case '+':
          return unset ? '' : (word ?? '');
        case '?':
          if (unset) throw new Error(`${name} is required: ${word || 'not set'}`);
          return value;
        default:
          return value ?? '';
      }
    },
  );
}
