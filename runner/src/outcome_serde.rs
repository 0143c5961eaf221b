//! Outcomes in JSON as their event names (`pass`, `not-supported`, ...), for `serde(with)`;
//! the harness has no serde, so the runner maps them here.

use ffa_harness::Outcome;
use serde::de::Error;
use serde::{Deserialize, Deserializer, Serializer};

fn parse<'de, D: Deserializer<'de>>(name: &str) -> Result<Outcome, D::Error> {
    Outcome::parse(name).ok_or_else(|| {
        let known: Vec<&str> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
        D::Error::custom(format!("unknown outcome `{name}` (known: {})", known.join(", ")))
    })
}

/// An `Outcome` field.
pub mod name {
    use super::*;

    pub fn serialize<S: Serializer>(outcome: &Outcome, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(outcome.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Outcome, D::Error> {
        parse::<D>(&String::deserialize(d)?)
    }
}

/// An `Option<Outcome>` field (`null` while a case has not ended).
pub mod optional_name {
    use super::*;

    pub fn serialize<S: Serializer>(outcome: &Option<Outcome>, s: S) -> Result<S::Ok, S::Error> {
        match outcome {
            Some(o) => s.serialize_str(o.as_str()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Outcome>, D::Error> {
        Option::<String>::deserialize(d)?.map(|n| parse::<D>(&n)).transpose()
    }
}
