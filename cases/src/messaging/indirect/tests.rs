//! Host tests: the indirect messaging cases against a scripted SPMC that breaks their rules.
