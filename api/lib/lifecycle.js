export class Lifecycle {
    phase = 'starting';
    get draining() { return this.phase === 'draining'; }
}
