-- Cases the emergency service asks for (ecogrid.emergency.v1 EmergencyCaseRequested), and drills.
-- drill: a drill's case (演练) runs the whole loop but no KPI counts it. department: who is responsible, when the
-- request named a department (plan tasks). due_by: the requester's deadline, which caps every step up to the
-- handling. emergency_request_id: unique, so one request opens one case whatever the redeliveries, restarts or
-- instances (the loser of a race fails on this key and, retrying, finds the winner's case).
ALTER TABLE cases
  ADD COLUMN drill boolean NOT NULL DEFAULT false,
  ADD COLUMN department text,
  ADD COLUMN due_by timestamptz,
  ADD COLUMN emergency_request_id text;
CREATE UNIQUE INDEX cases_emergency_request_key ON cases (emergency_request_id) WHERE emergency_request_id IS NOT NULL;
