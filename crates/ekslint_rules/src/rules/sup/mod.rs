//! The `SUP` family: findings about ekslint's own suppression comments and annotations.

pub mod invalid_suppression;
pub mod unused_suppression;
