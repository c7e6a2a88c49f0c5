// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, test } from 'vitest';
import { ApiError } from '../../widget/app/api.ts';
import { PickerView } from '../../widget/app/picker/view.tsx';
import { fakeApi, viewProps } from './fake-api.ts';

afterEach(cleanup);

async function renderPicker(role: 'recruiter' | 'viewer' = 'recruiter') {
  const api = fakeApi();
  const v = viewProps(api, role);
  render(<PickerView {...v.props} />);
  expect(screen.getByRole('status').textContent).toContain('Loading packages…');
  const listbox = await screen.findByRole('listbox', { name: 'Packages' });
  return { api, listbox, ...v };
}

const active = (listbox: HTMLElement) => {
  const id = listbox.getAttribute('aria-activedescendant');
  return id ? document.getElementById(id)?.querySelector('.assay-option-name')?.textContent : null;
};

describe('picker view', () => {
  test('lists every package with name, type, duration and description', async () => {
    await renderPicker();
    const options = screen.getAllByRole('option');
    expect(options).toHaveLength(3);
    expect(options[0]!.textContent).toContain('Cognitive ability');
    expect(options[0]!.textContent).toContain('cognitive · 25 min');
    expect(options[0]!.textContent).toContain('Reasoning and numeracy');
  });

  test('typing in the search box filters, and says so when nothing matches', async () => {
    await renderPicker();
    const search = screen.getByRole('searchbox', { name: 'Search packages' });
    fireEvent.input(search, { target: { value: 'script' } });
    expect(screen.getAllByRole('option').map((o) => o.querySelector('.assay-option-name')!.textContent)).toEqual(['JavaScript coding']);
    fireEvent.input(search, { target: { value: 'zzz' } });
    expect(screen.queryAllByRole('option')).toHaveLength(0);
    expect(screen.getByText('No package matches “zzz”.')).toBeTruthy();
  });

  test('the listbox is keyboard operable: arrows, Home/End, Enter selects', async () => {
    const { listbox } = await renderPicker();
    const send = screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    expect(listbox.tabIndex).toBe(0);
    expect(active(listbox)).toBe('Cognitive ability');
    fireEvent.keyDown(listbox, { key: 'ArrowDown' });
    expect(active(listbox)).toBe('Personality profile');
    fireEvent.keyDown(listbox, { key: 'End' });
    expect(active(listbox)).toBe('JavaScript coding');
    fireEvent.keyDown(listbox, { key: 'Home' });
    expect(active(listbox)).toBe('Cognitive ability');
    fireEvent.keyDown(listbox, { key: 'ArrowDown' });
    fireEvent.keyDown(listbox, { key: 'Enter' });
    const chosen = screen.getByRole('option', { selected: true });
    expect(chosen.textContent).toContain('Personality profile');
    expect(send.disabled).toBe(false);
    expect(screen.getByText('Chosen: Personality profile')).toBeTruthy();
  });

  test('Send shows the sending state, then success and the status list with the new order', async () => {
    const { api } = await renderPicker();
    fireEvent.click(screen.getAllByRole('option')[2]!);
    const send = screen.getByRole('button', { name: 'Send' });
    fireEvent.click(send);
    expect(screen.getByRole('button', { name: 'Sending…' })).toBeTruthy();
    expect(await screen.findByText('JavaScript coding was sent to the candidate.')).toBeTruthy();
    expect(await screen.findByRole('heading', { name: 'Assessments' })).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Pending' })).toBeTruthy());
    expect(api.calls).toEqual(['listPackages', 'createOrder', 'listOrders']);
  });

  test('a refusal shows the server sentence', async () => {
    const { api } = await renderPicker();
    api.refuse = new ApiError(422, 'candidate_without_email', 'This candidate has no e-mail address.');
    fireEvent.click(screen.getAllByRole('option')[0]!);
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Not sent: This candidate has no e-mail address.');
  });

  test('a viewer sees the packages and why there is no Send button', async () => {
    await renderPicker('viewer');
    expect(screen.getAllByRole('option')).toHaveLength(3);
    expect(screen.queryByRole('button', { name: 'Send' })).toBeNull();
    expect(screen.getByText(/your role \(viewer\) cannot send assessments/)).toBeTruthy();
  });

  test('an account without packages shows the empty state', async () => {
    const api = fakeApi({ packages: [] });
    render(<PickerView {...viewProps(api).props} />);
    expect(await screen.findByText('This account has no active packages.')).toBeTruthy();
  });

  test('a load error offers a retry that works', async () => {
    const api = fakeApi();
    let fail = true;
    const real = api.listPackages;
    api.listPackages = async () => {
      if (fail) throw new ApiError(503, 'unavailable', 'Assay is down for maintenance.');
      return real();
    };
    render(<PickerView {...viewProps(api).props} />);
    expect((await screen.findByRole('alert')).textContent).toContain('Assay is down for maintenance.');
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findAllByRole('option')).toHaveLength(3);
  });
});
