// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, test } from 'vitest';
import { percentage } from '../../widget/app/result/model.ts';
import { ResultView } from '../../widget/app/result/view.tsx';
import { fakeApi, order, viewProps } from './fake-api.ts';

afterEach(cleanup);

const scored = (id: string, name: string, score: number, max: number) =>
  order(id, 'completed', {
    package_name: name,
    completed_at: '2025-01-04T09:00:00.000Z',
    result: { score, max_score: max, status: 'scored', result_url: `http://assay.test/report/${id}`, completed_at: '2025-01-04T09:00:00.000Z' },
  });

describe('result view', () => {
  test('a card per completed order: name, percentage beside it, status tooltip, Open link', async () => {
    const api = fakeApi({ orders: [scored('o1', 'Cognitive ability', 37, 50), order('o2', 'pending'), scored('o3', 'Coding', 2, 3)] });
    const v = viewProps(api);
    render(<ResultView {...v.props} />);
    const cards = await screen.findAllByRole('article');
    expect(cards).toHaveLength(2);
    expect(cards[0]!.querySelector('h3')!.textContent).toBe('Cognitive ability');
    expect(cards[0]!.querySelector('.assay-score')!.textContent).toBe('74%');
    expect(cards[1]!.querySelector('.assay-score')!.textContent).toBe('67%');
    // The score is the tooltip's trigger; the tooltip says the status and the same percentage.
    const score = screen.getByRole('button', { name: 'Score of Cognitive ability: 74%' });
    const tip = document.getElementById(score.getAttribute('aria-describedby')!)!;
    expect(tip.textContent).toContain('Completed');
    expect(tip.textContent).toContain('Result: scored');
    expect(tip.textContent).toContain('Score 74%');
    expect(tip.textContent).not.toContain('/');
    const open = screen.getByRole('link', { name: /Open full report for Cognitive ability/ });
    expect(open.getAttribute('href')).toBe('http://assay.test/report/o1');
    expect(open.getAttribute('target')).toBe('_blank');
    expect(open.getAttribute('rel')).toContain('noopener');
    open.addEventListener('click', (e) => e.preventDefault());
    fireEvent.click(open);
    expect(v.events).toContainEqual({ type: 'result.opened', payload: { v: 1, order_id: 'o1', result_url: 'http://assay.test/report/o1' } });
  });

  test("the account's band shows beside the score and in its tooltip; no band, no pill", async () => {
    const banded = scored('o1', 'Cognitive ability', 37, 50);
    banded.result!.band = 'Strong';
    render(<ResultView {...viewProps(fakeApi({ orders: [banded, scored('o2', 'Coding', 2, 3)] })).props} />);
    const cards = await screen.findAllByRole('article');
    expect(cards[0]!.querySelector('.assay-band')!.textContent).toBe('Strong');
    expect(cards[1]!.querySelector('.assay-band')).toBeNull();
    const score = screen.getByRole('button', { name: 'Score of Cognitive ability: 74%' });
    expect(document.getElementById(score.getAttribute('aria-describedby')!)!.textContent).toContain('Band: Strong');
  });

  test('no completed orders is an empty state', async () => {
    render(<ResultView {...viewProps(fakeApi({ orders: [order('o1', 'pending')] })).props} />);
    expect(await screen.findByText('No completed assessments yet.')).toBeTruthy();
  });

  test('percentage rounds and survives a zero maximum', () => {
    expect(percentage({ score: 1, max_score: 3, status: '', result_url: '', completed_at: null })).toBe(33);
    expect(percentage({ score: 5, max_score: 0, status: '', result_url: '', completed_at: null })).toBeNull();
  });
});
