/**
 * Planning over time: how many GPUs each node will have free when, given running jobs' time limits
 * and the reservations already promised. Backfill asks this package whether a job can start now
 * without delaying a reservation, and when a blocked job could start at the earliest.
 */
package dev.rota.core.plan;
