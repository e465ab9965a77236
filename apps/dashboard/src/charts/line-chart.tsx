import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useMemo, useRef } from 'preact/hooks';

export interface LineSeries {
  label: string;
  color: string;
  values: (number | null)[];
  dash?: number[];
  /** Points only, no line (markers such as stragglers). */
  pointsOnly?: boolean;
}

interface Props {
  title: string;
  x: number[];
  xLabel: string;
  series: LineSeries[];
  height?: number;
  legend?: boolean;
  testId?: string;
}

/**
 * A uPlot line chart. uPlot draws tens of thousands of points on a canvas in milliseconds; new data goes
 * through setData (no new chart), and a new chart is built only when the set of series changes.
 */
export function LineChart({ title, x, xLabel, series, height = 220, legend = true, testId }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => s.label).join('\u0000');
  // Same arrays, same data: a re-render that brought no new point does not redraw.
  const data = useMemo(() => [x, ...series.map((s) => s.values)] as uPlot.AlignedData, [x, ...series.map((s) => s.values)]);

  useEffect(() => {
    const el = host.current!;
    const opts: uPlot.Options = {
      title,
      width: el.clientWidth || 600,
      height,
      legend: { show: legend },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false } },
      axes: [{ label: xLabel }, { size: 64 }],
      series: [
        { label: xLabel },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.pointsOnly ? 'transparent' : s.color,
          dash: s.dash,
          width: 1.5,
          spanGaps: true,
          points: s.pointsOnly ? { show: true, size: 9, stroke: s.color, fill: s.color } : { show: x.length < 60 },
        })),
      ],
    };
    plot.current = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape, height, legend]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div class="chart" ref={host} data-testid={testId} data-points={x.length} />;
}

/** Colours that stay apart on a white background; series beyond them cycle. */
export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];
export const colorOf = (i: number): string => PALETTE[i % PALETTE.length];
