/**
 * Attribution (docs/design.md §4): minute usage buckets of an API key go to the runs of that key,
 * and a run's share goes to its steps. Pure functions over plain records: no HTTP, no SQL, no
 * clock.
 *
 * <p>Entry points: {@link dev.tokenledger.attribution.Attributor} (buckets → runs → steps), {@link
 * dev.tokenledger.attribution.FetchPlanner} (which minutes to ask the Usage API for) and {@link
 * dev.tokenledger.attribution.MinuteFence} (when a fenced step may start).
 */
package dev.tokenledger.attribution;
