/** Lever's limiter: a token bucket per API key — steady `ratePerSecond`, up to `burst` at once. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(public ratePerSecond: number, public burst: number, now = Date.now()) {
    this.tokens = burst;
    this.last = now;
  }

  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
