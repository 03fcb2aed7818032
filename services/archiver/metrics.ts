// The archiver's Prometheus metrics. Lag per partition is what operators watch and what the autoscaler scales on.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createArchiverMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ticket_archiver_process_' });
  return {
    registry,
    moves: new Counter({
      name: 'ticket_archiver_moves_total',
      help: 'Tickets by move outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    batchDuration: new Histogram({
      name: 'ticket_archiver_batch_duration_seconds',
      help: 'Duration of one move (re-read, copy, delete, settle)',
      labelNames: ['source'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    movesInFlight: new Gauge({
      name: 'ticket_archiver_moves_in_flight',
      help: 'Tickets in a move that has started and not yet ended',
      registers: [registry],
    }),
    stuckRecorded: new Counter({
      name: 'ticket_archiver_stuck_deletions_recorded_total',
      help: 'Deletions that could not complete and were recorded for the reconciler',
      registers: [registry],
    }),
    stuckOpen: new Gauge({
      name: 'ticket_archiver_stuck_deletions',
      help: 'Stuck deletion records currently open (escalated included)',
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'ticket_archiver_dead_lettered_total',
      help: 'Messages sent to the dead-letter topic',
      labelNames: ['reason'],
      registers: [registry],
    }),
    events: new Counter({
      name: 'ticket_archiver_events_total',
      help: 'Change events consumed, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    retries: new Counter({
      name: 'ticket_archiver_retries_total',
      help: 'Retries of work that failed transiently',
      labelNames: ['stage'],
      registers: [registry],
    }),
    oldestPendingAge: new Gauge({
      name: 'ticket_archiver_oldest_pending_event_age_seconds',
      help: 'Per owned partition, how long ago its oldest change event in hand and not yet done was produced (0: none waits in hand)',
      labelNames: ['partition'],
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'ticket_archiver_consumer_lag',
      help: 'Messages not yet committed, per partition',
      labelNames: ['topic', 'partition'],
      registers: [registry],
    }),
    timersDue: new Gauge({
      name: 'ticket_archiver_timers_due',
      help: 'Timers due and not yet handled, in owned partitions',
      registers: [registry],
    }),
    lateMoves: new Counter({
      name: 'ticket_archiver_freshness_missed_total',
      help: 'Tickets archived later than due + FRESHNESS_TARGET',
      registers: [registry],
    }),
    throttleRate: new Gauge({
      name: 'ticket_archiver_throttle_rate',
      help: 'Moves per second the throttle allows (+Inf when open, 0 when paused)',
      registers: [registry],
    }),
    throttleMode: new Gauge({
      name: 'ticket_archiver_throttle_mode',
      help: 'The throttle: 0 open, 1 slowed, 2 paused',
      registers: [registry],
    }),
    hotProbe: new Gauge({
      name: 'ticket_archiver_hot_probe_seconds',
      help: "Latency of the throttle's last primary-key read of tickets (median of three)",
      registers: [registry],
    }),
    hotReplicaLag: new Gauge({
      name: 'ticket_archiver_hot_replica_lag_seconds',
      help: "Replay lag of the hot database's slowest physical replica at the throttle's last reading (0 without one); bound THROTTLE_REPLICA_LAG",
      registers: [registry],
    }),
    hotCommit: new Gauge({
      name: 'ticket_archiver_hot_commit_seconds',
      help: "p90 of the throttle's timed commits (each waits for its WAL flush) while moving, over the last ~10 s",
      registers: [registry],
    }),
    hotCommitQuiet: new Gauge({
      name: 'ticket_archiver_hot_commit_quiet_seconds',
      help: 'p90 of the same commits in the quiet windows, when no mover of the group moves: the baseline',
      registers: [registry],
    }),
    hotCommitSlowdown: new Gauge({
      name: 'ticket_archiver_hot_commit_slowdown',
      help: "Commits' p90 while moving over their quiet p90 (at least THROTTLE_COMMIT_FLOOR); bound THROTTLE_COMMIT_SLOWDOWN",
      registers: [registry],
    }),
    // The rest of the pipeline, read by every instance for the alert rules (infra/monitoring): take the max over instances.
    slotWalRetained: new Gauge({
      name: 'ticket_archiver_replication_slot_wal_retained_bytes',
      help: "WAL the connector's replication slot keeps",
      registers: [registry],
    }),
    slotWalLimit: new Gauge({
      name: 'ticket_archiver_replication_slot_wal_limit_bytes',
      help: 'max_slot_wal_keep_size: the WAL a slot may keep before PostgreSQL drops it (-1: no bound)',
      registers: [registry],
    }),
    slotLost: new Gauge({
      name: 'ticket_archiver_replication_slot_lost',
      help: "1 once PostgreSQL has invalidated the connector's slot (max_slot_wal_keep_size reached): the connector cannot resume",
      registers: [registry],
    }),
    slotActive: new Gauge({
      name: 'ticket_archiver_replication_slot_active',
      help: "1 while a client reads the connector's replication slot",
      registers: [registry],
    }),
    connectorRunning: new Gauge({
      name: 'ticket_archiver_connector_running',
      help: 'Debezium connector and all its tasks RUNNING (1), or not (0)',
      registers: [registry],
    }),
    stuckEscalated: new Gauge({
      name: 'ticket_archiver_stuck_deletions_escalated',
      help: 'Stuck deletions escalated to an operator',
      registers: [registry],
    }),
    lastReconcileOk: new Gauge({
      name: 'ticket_archiver_reconcile_last_success_timestamp_seconds',
      help: 'End of the last reconcile pass that completed (Unix seconds)',
      registers: [registry],
    }),
    assignedPartitions: new Gauge({
      name: 'ticket_archiver_assigned_partitions',
      help: 'Partitions of the tickets topic owned by this instance',
      registers: [registry],
    }),
  };
}

export type ArchiverMetrics = ReturnType<typeof createArchiverMetrics>;
