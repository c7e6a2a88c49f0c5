// Jobs: the account's jobs (synced from the ATSs or typed in) with their assessments; Create (pick an ATS job
// or type one, pick packages, invitation validity, extra time), Publish, and Unpublish after a confirmation.
import { signal } from '@preact/signals';
import type { AssessmentView, AtsJob, JobView } from '../../../server/dashboard/jobs.ts';
import { failureText } from '../api.ts';
import { PageModel } from '../page-model.ts';

export type { AssessmentView, AtsJob, JobView };
export interface JobsData {
  jobs: JobView[];
  ats_jobs: AtsJob[];
  packages: { id: string; name: string }[];
  defaults: { invitation_days: number; extra_time_percent: number };
}
export interface CreateInput {
  /** `<connection id>:<job id>` of an ATS job, or '' for a typed one. */
  atsJob: string;
  jobName: string;
  packageIds: string[];
  invitationDays: number;
  extraTimePercent: number;
}

export class JobsModel extends PageModel {
  readonly data = signal<JobsData | null>(null);
  readonly creating = signal(false);
  readonly createBusy = signal(false);
  readonly createError = signal<string | null>(null);
  /** The assessment whose Publish / Unpublish is under way. */
  readonly busy = signal<string | null>(null);
  readonly rowError = signal<{ id: string; message: string } | null>(null);
  /** The assessment an admin is about to unpublish (the confirmation is open). */
  readonly unpublishing = signal<AssessmentView | null>(null);
  readonly unpublishError = signal<string | null>(null);

  load(): Promise<void> {
    return this.loadPage<JobsData>('/jobs', 'The jobs could not be loaded.', (d) => (this.data.value = d));
  }

  async create(input: CreateInput): Promise<boolean> {
    const [connection_id, ...rest] = input.atsJob ? input.atsJob.split(':') : [];
    const job = input.atsJob ? { connection_id, job_id: rest.join(':') } : { job_name: input.jobName.trim() };
    if (!input.atsJob && !input.jobName.trim()) {
      this.createError.value = 'Pick a job from your ATS or type a job title.';
      return false;
    }
    if (!input.packageIds.length) {
      this.createError.value = 'Pick at least one assessment.';
      return false;
    }
    return this.attempt({ busy: this.createBusy, error: this.createError, fallback: 'The assessment could not be created. Try again.' }, async () => {
      const r = await this.call<{ assessments: AssessmentView[] }>('POST', '/assessments', {
        ...job,
        package_ids: input.packageIds,
        invitation_days: input.invitationDays,
        extra_time_percent: input.extraTimePercent,
      });
      this.creating.value = false;
      await this.load();
      this.notice.value = `${r.assessments.length === 1 ? 'The assessment was' : `${r.assessments.length} assessments were`} created. Publish to make it visible in your ATS.`;
    });
  }

  async publish(a: AssessmentView): Promise<void> {
    this.busy.value = a.id;
    this.rowError.value = null;
    try {
      await this.call('POST', `/assessments/${a.id}/publish`);
      await this.load();
      this.notice.value = `Published: "${a.name}" is now visible in your ATS.`;
    } catch (err) {
      this.rowError.value = { id: a.id, message: failureText(err, 'The assessment could not be published. Try again.') };
    } finally {
      this.busy.value = null;
    }
  }

  askUnpublish(a: AssessmentView): void {
    this.unpublishError.value = null;
    this.unpublishing.value = a;
  }

  keepPublished(): void {
    this.unpublishing.value = null;
    this.unpublishError.value = null;
  }

  async unpublish(): Promise<void> {
    const a = this.unpublishing.value;
    if (!a) return;
    this.busy.value = a.id;
    await this.attempt({ error: this.unpublishError, fallback: 'The assessment could not be unpublished. Try again.' }, async () => {
      await this.call('POST', `/assessments/${a.id}/unpublish`);
      this.unpublishing.value = null;
      await this.load();
      this.notice.value = `Unpublished: "${a.name}" can no longer be ordered from your ATS.`;
    });
    this.busy.value = null;
  }
}
