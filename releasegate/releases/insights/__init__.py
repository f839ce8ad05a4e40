"""Release insights: the four DORA keys and the approval lead time of the releases that
ended in a range, week by week, computed in the database (`dora`); and today at a glance
(`glance`)."""
