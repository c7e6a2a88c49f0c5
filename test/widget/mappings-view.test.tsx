// @vitest-environment happy-dom
// The Lever mappings markup: one labelled <select> per posting with its current package, Save per row,
// a "Saved" / error line in a live region, and the admin-only, no-connection, empty and error states.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, test } from 'vitest';
import { ApiError } from '../../widget/app/api.ts';
import { MappingsView } from '../../widget/app/mappings/view.tsx';
import { mappingsApi, mappingsProps } from './mappings-fixture.ts';

afterEach(cleanup);

const rowOf = (title: string) => screen.getByRole('heading', { name: title, level: 3 }).closest('li')!;

describe('mappings view', () => {
  test('lists each posting with title, team · location, current package and a labelled select', async () => {
    render(<MappingsView {...mappingsProps(mappingsApi()).props} />);
    const select = await screen.findByRole('combobox', { name: 'Package for Data Analyst' });
    expect(screen.getByRole('heading', { name: 'Lever postings', level: 2 })).toBeTruthy();
    const data = rowOf('Data Analyst');
    expect(within(data).getByText('Analytics · Amsterdam')).toBeTruthy();
    expect(within(data).getByText('Current package: none')).toBeTruthy();
    expect([...(select as HTMLSelectElement).options].map((o) => o.textContent)).toEqual(['No package', 'Cognitive ability', 'JavaScript coding', 'Personality profile']);
    expect((select as HTMLSelectElement).value).toBe('');
    // The select is described by the current package and by the row's status line.
    const described = select.getAttribute('aria-describedby')!.split(' ').map((id) => document.getElementById(id)!);
    expect(described[0]!.textContent).toBe('Current package: none');
    expect(described[1]!.getAttribute('role')).toBe('status');

    const eng = screen.getByRole('combobox', { name: 'Package for Platform Engineer' }) as HTMLSelectElement;
    expect(eng.value).toBe('pkg-code');
    expect(within(rowOf('Platform Engineer')).getByText('Current package: JavaScript coding')).toBeTruthy();
    const old = screen.getByRole('combobox', { name: 'Package for Office Manager' }) as HTMLSelectElement;
    expect(old.selectedOptions[0]!.textContent).toBe('Retired test (inactive)');
    expect(screen.getAllByRole('button', { name: /^Save package for / })).toHaveLength(3);
  });

  test('choosing a package and pressing Save shows "Saved" on that row and updates its current package', async () => {
    const api = mappingsApi();
    render(<MappingsView {...mappingsProps(api).props} />);
    const select = await screen.findByRole('combobox', { name: 'Package for Data Analyst' });
    fireEvent.change(select, { target: { value: 'pkg-pers' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save package for Data Analyst' }));
    const row = rowOf('Data Analyst');
    await waitFor(() => expect(within(row).getByRole('status').textContent).toBe('Saved Data Analyst now sends Personality profile.'));
    expect(within(row).getByText('Current package: Personality profile')).toBeTruthy();
    expect(api.puts).toEqual([{ id: 'post-data', pkg: 'pkg-pers', con: 'con_lever0001' }]);
    expect(within(rowOf('Platform Engineer')).getByRole('status').textContent).toBe('');
  });

  test('a refused save shows the reason on its row, keeps the choice, and a retry saves', async () => {
    const api = mappingsApi();
    api.putError = new ApiError(422, 'package_inactive', 'The package "Personality profile" is no longer active; pick an active one.');
    render(<MappingsView {...mappingsProps(api).props} />);
    const select = (await screen.findByRole('combobox', { name: 'Package for Platform Engineer' })) as HTMLSelectElement;
    fireEvent.change(select, { target: { value: 'pkg-pers' } });
    const save = screen.getByRole('button', { name: 'Save package for Platform Engineer' });
    fireEvent.click(save);
    const status = within(rowOf('Platform Engineer')).getByRole('status');
    await waitFor(() => expect(status.textContent).toBe('Not saved: The package "Personality profile" is no longer active; pick an active one.'));
    expect(status.getAttribute('data-status')).toBe('error');
    expect(select.value).toBe('pkg-pers');
    expect(within(rowOf('Platform Engineer')).getByText('Current package: JavaScript coding')).toBeTruthy();
    fireEvent.click(save);
    await waitFor(() => expect(status.textContent).toMatch(/^Saved/));
  });

  test('a recruiter is told the view is for admins; no list is requested', async () => {
    const api = mappingsApi();
    render(<MappingsView {...mappingsProps(api, 'recruiter').props} />);
    expect(screen.getByText(/is for ATS admins\. Your role \(recruiter\) cannot change it/)).toBeTruthy();
    expect(screen.queryByRole('combobox')).toBeNull();
    expect(api.calls).toEqual([]);
  });

  test('no Lever connection is explained', async () => {
    const api = mappingsApi();
    api.listError = new ApiError(404, 'lever_not_connected', 'This account has no Lever connection; ask your provider to connect Lever first.');
    render(<MappingsView {...mappingsProps(api).props} />);
    expect(await screen.findByText(/has no Lever connection yet, so there are no postings to map/)).toBeTruthy();
    expect(screen.queryByRole('combobox')).toBeNull();
  });

  test('loading, then an error with Try again that reloads the list', async () => {
    const api = mappingsApi();
    api.listError = new ApiError(502, 'lever_unavailable', 'Lever did not complete the request.');
    render(<MappingsView {...mappingsProps(api).props} />);
    expect(screen.getByRole('status').textContent).toBe('Loading Lever postings…');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Lever did not complete the request.');
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('combobox', { name: 'Package for Data Analyst' })).toBeTruthy();
  });

  test('an account without postings sees the empty state; Dutch when the locale is nl', async () => {
    render(<MappingsView {...mappingsProps(mappingsApi([]), 'admin', 'nl').props} />);
    expect(await screen.findByText('Lever heeft nog geen vacatures voor dit account.')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Lever-vacatures' })).toBeTruthy();
  });
});
