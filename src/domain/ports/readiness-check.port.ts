export interface Readiness {
  database: boolean;
  migrations: boolean;
  queue: boolean;
}

/** Whether the service can do its work right now: its database reachable and migrated, its job queue reachable. */
export interface ReadinessCheck {
  check(): Promise<Readiness>;
}
