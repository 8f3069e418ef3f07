"""Quality assurance (三(四), 五(二)): site visits during review, self-assessments, third-party
assessments, supervision visits with their evidence; reviewers' declared affiliations and the
experts assigned to a base, never one of its own university or enterprises."""
