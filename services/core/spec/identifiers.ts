// PostgreSQL identifiers as an archive spec names them. A table is schema-qualified; each part is written as SQL
// writes it: unquoted (folded to lower case, as PostgreSQL folds it) or in double quotes (kept as written, "" for a
// quote). Columns are named exactly as the catalog holds them. Queries quote every identifier they build.

export interface QualifiedName {
  schema: string;
  name: string;
}

const UNQUOTED = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** The parts of `schema.table`; undefined when it is not two identifiers separated by a dot. */
export function parseQualifiedName(text: string): QualifiedName | undefined {
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let part = '';
      i++;
      for (;;) {
        if (i >= text.length) return undefined;
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        part += text[i++];
      }
      if (part.length === 0) return undefined;
      parts.push(part);
    } else {
      const end = text.indexOf('.', i);
      const raw = text.slice(i, end === -1 ? text.length : end);
      if (!UNQUOTED.test(raw)) return undefined;
      parts.push(raw.toLowerCase());
      i += raw.length;
    }
    if (i === text.length) break;
    if (text[i] !== '.') return undefined;
    i++;
    if (i === text.length) return undefined;
  }
  const [schema, name] = parts;
  return parts.length === 2 && schema && name ? { schema, name } : undefined;
}

/** An identifier quoted for SQL. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A qualified name quoted for SQL. */
export const quoteQualified = (q: QualifiedName): string => `${quoteIdent(q.schema)}.${quoteIdent(q.name)}`;

/** A qualified name for people (messages, reports): each part quoted only where SQL would need it to keep it. */
export const displayName = (q: QualifiedName): string =>
  [q.schema, q.name].map((p) => (/^[a-z_][a-z0-9_$]*$/.test(p) ? p : quoteIdent(p))).join('.');

/** A string quoted as an SQL literal. */
export const quoteLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;
