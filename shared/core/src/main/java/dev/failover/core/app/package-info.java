/**
 * The reconcile use case, as a pipeline of small steps.
 *
 * <pre>
 * handle(event)     DrillGate.refusal
 *                   QuietChange.readAhead     would the event change the memory? read the load
 *                                             balancer (and health when a decision can use it)
 *                   store.record(event, then) one commit: the event, and when its plan writes
 *                                             nothing, the reconcile's outcome too (QuietChange.settle)
 *                                             ─► settled, or nothing new and all reconciled? stop
 *                                                   │
 * reconcile()       load memory, expire pins ◄──────┘ (first attempt: what was read ahead)
 *   per attempt:    ReconcileBudget           spent? no new attempt (transient: redelivered)
 *                   read load balancer
 *                   WriteProtocol.recover     interrupted writes past the grace: applied or failed
 *                   DriftCheck.detect         someone else changed the load balancer: adopt or revert
 *                   PropagationCheck.check    did traffic move after earlier writes? (first attempt)
 *                   read health               only when a decision can use it (never to drain)
 *                   StaleIncidents.check      an incident open past incident_stale_after in a region
 *                                             healthy for the restore hold is closed (its close was lost)
 *                   Planner.plan              the config wanted, with a decision per region
 *                   DrillGate.endAborted      drills the plan aborted end now
 *                   WriteProtocol.write       marker (+ the edits above) ─► intent ─► apply ─► outcome
 *                                             (apply waits at most what is left of the budget)
 *                                             (a stale fingerprint: next attempt)
 *                   Notices.of                holds and pages that began or changed
 *                   DrillGate.steps           drills started, aborted or ended by the write
 *                   remember                  one commit: states, notices, watches, marker cleared
 * </pre>
 *
 * <p>The steps between the load-balancer read and the write are pure functions of values: each
 * returns its audit records and an edit of the memory. The edits are committed once: with the
 * pending-write marker before a write (so that a crash after the write finds them), or in the one
 * commit after the plan when nothing is written. The memory is therefore written at most twice per
 * reconcile (marker, then outcome), besides the event's own record; an event whose plan writes
 * nothing is one commit in all ({@link dev.failover.core.app.QuietChange}).
 *
 * <p>Where each kind of audit record is made (all in {@link dev.failover.core.app.AuditRecords}):
 *
 * <table>
 *   <caption>audit record kinds</caption>
 *   <tr><th>kind</th><th>made by</th><th>when</th></tr>
 *   <tr><td>intent, change</td><td>{@code WriteProtocol}</td><td>around every write; a
 *       change for an interrupted write by {@code WriteProtocol.recover}</td></tr>
 *   <tr><td>hold, page (all_regions_sick)</td><td>{@code Notices}</td><td>a hold or freeze
 *       begins or changes</td></tr>
 *   <tr><td>drift</td><td>{@code DriftCheck}</td><td>the load balancer differs from what the
 *       controller last put there</td></tr>
 *   <tr><td>verified, page (traffic_not_moved)</td><td>{@code PropagationCheck}</td><td>traffic
 *       moved after a write, or did not in time</td></tr>
 *   <tr><td>drill</td><td>{@code DrillGate} (refused) and the controller after a write (started,
 *       aborted, ended)</td><td>each drill step</td></tr>
 *   <tr><td>expired</td><td>the controller (a pin; rule operator_forget for a forget command);
 *       {@code StaleIncidents} (rule stale_incident)</td><td>a pin ran out; an operator forgot an
 *       incident or build; an incident's close was lost</td></tr>
 *   <tr><td>page (stale_incident_no_data)</td><td>{@code StaleIncidents}</td><td>a stale incident
 *       in a region without health data keeps it out</td></tr>
 *   <tr><td>ignored, rejected</td><td>the controller ({@code inputRecord}, and duplicates or
 *       stale events it records)</td><td>input that changes nothing or is invalid</td></tr>
 * </table>
 */
package dev.failover.core.app;
