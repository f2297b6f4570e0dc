/**
 * The date control: a slider over the dataset's daily axis with the observation dates marked
 * underneath, a play / pause button, previous / next observation buttons and the date as text.
 * Fully keyboard operable (the slider is a native range input with the date as aria-valuetext).
 */
import { h } from './dom.ts';
import { dayToIso } from './dates.ts';

export interface DateSliderProps {
  readonly startDate: string;
  readonly dayCount: number;
  readonly observationDays: readonly number[];
}

export class DateSlider {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly label: HTMLElement;
  private readonly play: HTMLButtonElement;
  private readonly ticks: HTMLCanvasElement;
  private props: DateSliderProps | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** called when the user or playback changes the day */
  onChange: (day: number) => void = () => undefined;
  /** days advanced per playback step */
  playStep = 1;

  constructor() {
    this.input = h('input', { type: 'range', min: 0, max: 0, step: 1, value: 0, 'aria-label': 'Date', 'data-testid': 'date-slider' });
    this.label = h('output', { class: 'date-label', 'data-testid': 'date-label', 'aria-live': 'off', text: '—' });
    this.play = h('button', { type: 'button', 'aria-label': 'Play', 'aria-pressed': 'false', title: 'Play / pause (steps through the days)', text: '▶ Play' });
    const prev = h('button', { type: 'button', 'aria-label': 'Previous observation date', title: 'Previous observation date', text: '◀ obs' });
    const next = h('button', { type: 'button', 'aria-label': 'Next observation date', title: 'Next observation date', text: 'obs ▶' });
    this.ticks = h('canvas', { class: 'obs-ticks', 'aria-hidden': 'true', height: 8 });
    const track = h('div', { class: 'date-track' }, this.input, this.ticks);
    this.element = h('div', { class: 'map-overlay date-bar', role: 'group', 'aria-label': 'Date controls', hidden: true },
      h('div', { class: 'row' }, this.play, prev, next), this.label, track);
    this.ticks.title = 'Observation dates';
    this.input.addEventListener('input', () => this.emit(Number(this.input.value)));
    this.play.addEventListener('click', () => (this.timer ? this.pause() : this.start()));
    prev.addEventListener('click', () => this.jumpObservation(-1));
    next.addEventListener('click', () => this.jumpObservation(1));
    new ResizeObserver(() => this.drawTicks()).observe(this.ticks);
  }

  setProps(props: DateSliderProps | null, day = 0): void {
    this.pause();
    this.props = props;
    this.element.hidden = !props;
    if (!props) return;
    this.input.max = String(props.dayCount - 1);
    this.setDay(day);
    this.drawTicks();
  }

  get day(): number {
    return Number(this.input.value);
  }

  /** sets the shown day without emitting onChange */
  setDay(day: number): void {
    if (!this.props) return;
    const d = Math.max(0, Math.min(this.props.dayCount - 1, Math.round(day)));
    this.input.value = String(d);
    const iso = dayToIso(this.props.startDate, d);
    this.label.textContent = iso;
    this.input.setAttribute('aria-valuetext', iso + (this.props.observationDays.includes(d) ? ' (observation date)' : ''));
  }

  private emit(day: number): void {
    this.setDay(day);
    this.onChange(this.day);
  }

  private jumpObservation(direction: 1 | -1): void {
    const obs = this.props?.observationDays ?? [];
    const d = this.day;
    const target = direction > 0 ? obs.find((o) => o > d) : [...obs].reverse().find((o) => o < d);
    if (target !== undefined) this.emit(target);
  }

  start(): void {
    if (!this.props || this.timer) return;
    this.play.textContent = '❚❚ Pause';
    this.play.setAttribute('aria-pressed', 'true');
    this.timer = setInterval(() => {
      if (!this.props) return;
      const next = this.day + this.playStep;
      this.emit(next >= this.props.dayCount ? 0 : next);
    }, 120);
  }

  pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.play.textContent = '▶ Play';
    this.play.setAttribute('aria-pressed', 'false');
  }

  private drawTicks(): void {
    const c = this.ticks;
    const w = Math.max(1, Math.round(c.clientWidth));
    c.width = w;
    const g = c.getContext('2d');
    if (!g || !this.props) return;
    g.clearRect(0, 0, w, c.height);
    g.fillStyle = '#1f5f99';
    const n = Math.max(1, this.props.dayCount - 1);
    // the range thumb travels inset by about half its width (8 px) on each side
    const inset = 8;
    // decades of 8-day observations put several on one pixel and the marks merge into a solid bar:
    // draw a mark only where it is at least MIN_GAP px from the last one drawn, and say so
    const MIN_GAP = 3;
    let last = -Infinity;
    let drawn = 0;
    for (const d of this.props.observationDays) {
      const x = Math.round(inset + ((w - 2 * inset) * d) / n);
      if (x - last < MIN_GAP) continue;
      g.fillRect(x, 0, 1, c.height);
      last = x;
      drawn++;
    }
    const total = this.props.observationDays.length;
    c.dataset['drawn'] = String(drawn);
    this.ticks.title = drawn < total ? `Observation dates (${total}; marks at least ${MIN_GAP} px apart, so ${drawn} are drawn)` : `Observation dates (${total})`;
  }
}
