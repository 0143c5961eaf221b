//! CPU cycle management from the normal world (DEN0077A v1.1 chapter 14): FFA_RUN, and
//! FFA_NORMAL_WORLD_RESUME refused to it.

mod ffa_run;
mod normal_world_resume;
