// The common frame of every chart (title, size, fonts, background), as a Vega-Lite spec's top level: plain data, so
// a chart can be described without loading the renderer (chartImage.ts).

export const FONT = 'DejaVu Sans';

/** The common frame of a chart: title, size, fonts, white background. */
export function chartFrame(title: string, width = 800, height = 400) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width,
    height,
    // The whole image, legend and titles included, is width x height.
    autosize: { type: 'fit', contains: 'padding' },
    padding: 12,
    background: 'white',
    config: {
      font: FONT,
      title: { fontSize: 18, anchor: 'start', offset: 12 },
      axis: { labelFontSize: 12, titleFontSize: 14, titlePadding: 8, grid: true },
      legend: { labelFontSize: 13, labelLimit: 200, symbolStrokeWidth: 3 },
      line: { strokeJoin: 'round' },
    },
  } as const;
}
