//! CPU cycle management from the normal world (DEN0077A v1.1 chapter 14): FFA_RUN.

mod ffa_run;
