// A part of a ticket: the rows of another table that belong to it (articles, history, attachments), found by the
// parent's key in one of the part's columns (a foreign key or a (type, id) pair, whose type half is `link.where`), and
// the part's own parts, to any depth. The database decides at move time which rows belong to a ticket
// (docs/aggregates-design.md).
import { z } from 'zod';
import { column, rowVersion, sqlCondition, tableName, ticketKey } from './specFields.ts';

export const uniqueNames = (parts: Array<{ name: string }>) => new Set(parts.map((p) => p.name)).size === parts.length;

export interface PartSpec {
  name: string;
  table: z.output<typeof tableName>;
  key: z.output<typeof ticketKey>;
  link: { column: string; where?: string | undefined };
  version: z.output<typeof rowVersion>;
  parts: PartSpec[];
}

export const partSpecSchema: z.ZodType<PartSpec, unknown> = z.lazy(() =>
  z.strictObject({
    name: z
      .string()
      .regex(/^[a-z][A-Za-z0-9]{0,39}$/, 'expected a name such as articles or attachments (at most 40 characters)'),
    table: tableName,
    key: ticketKey,
    link: z.strictObject({
      column: column.meta({ description: "the column that holds the parent's key" }),
      where: sqlCondition('a condition over the part row as p').optional().meta({
        description: "the type half of a (type, id) link: SQL over the part's row as p (lookup tables allowed)",
      }),
    }),
    version: rowVersion,
    parts: z.array(partSpecSchema).default([]).refine(uniqueNames, 'part names must differ'),
  }),
);
