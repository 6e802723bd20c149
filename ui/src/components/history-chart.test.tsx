import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { HistoryChart } from './history-chart.js';

const noop = (): void => undefined;
const series = [{ id: 'r1', label: 'run 1', colorIndex: 0, data: { xStart: [0, 500], xEnd: [499, 999], min: [0.1, 0.05], max: [2, 0.3] } }];

describe('HistoryChart', () => {
  it('is a focusable figure whose canvas names what it draws, with the zoom keys described', () => {
    const html = renderToStaticMarkup(
      <HistoryChart title="loss" series={series} xAxis="step" log={false} xRange={undefined} width={600} onZoom={noop} onResetZoom={noop} />,
    );
    expect(html).toContain('tabindex="0"');
    expect(html).toContain('aria-describedby="chart-keys"');
    expect(html).toContain('role="img" aria-label="loss by step: 1 series, step 0 to 999, values 0.05 to 2"');
    expect(html).toContain('Drag to zoom into a range, double-click to reset.');
    expect(html).toContain('style="width:600px;height:300px"');
  });

  it('says when a log scale leaves nothing to draw, and shows the zoomed range', () => {
    const negative = [{ ...series[0]!, data: { xStart: [0], xEnd: [0], min: [-1], max: [-1] } }];
    const html = renderToStaticMarkup(
      <HistoryChart title="loss" series={negative} xAxis="step" log xRange={undefined} width={600} onZoom={noop} onResetZoom={noop} />,
    );
    expect(html).toContain('aria-label="loss: nothing to draw"');
    const zoomed = renderToStaticMarkup(
      <HistoryChart title="loss" series={series} xAxis="step" log={false} xRange={{ lo: 100, hi: 200 }} width={600} onZoom={noop} onResetZoom={noop} />,
    );
    expect(zoomed).toContain('step 100 to 200, values 0.1 to 2');
  });
});
