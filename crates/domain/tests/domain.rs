//! Domain integration tests: identity codes, the working-day calendar, effective-dated
//! parameters, entry and appointment construction.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use kirjuri_domain::time::{
    add_working_days, easter_sunday, holiday, initial_interview_deadline, is_working_day,
    working_days_between, Holiday,
};
use kirjuri_domain::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

// ---- henkilötunnus -------------------------------------------------------------------------

#[test]
fn hetu_brief_examples_validate() {
    for (code, born) in [
        ("131052-308T", d(1952, 10, 13)),
        ("010594Y9032", d(1994, 5, 1)),
        ("020516C903K", d(2016, 5, 2)),
        ("010501E9032", d(2001, 5, 1)),
    ] {
        let h = Hetu::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(h.birth_date(), born, "{code}");
        assert_eq!(h.as_str(), code);
    }
}

#[test]
fn hetu_every_century_sign() {
    for sign in ['-', 'Y', 'X', 'W', 'V', 'U'] {
        let h = Hetu::parse(&format!("010594{sign}9032")).unwrap();
        assert_eq!(h.birth_date(), d(1994, 5, 1), "sign {sign}");
    }
    for sign in ['A', 'B', 'C', 'D', 'E', 'F'] {
        let h = Hetu::parse(&format!("010501{sign}9032")).unwrap();
        assert_eq!(h.birth_date(), d(2001, 5, 1), "sign {sign}");
    }
    let h = Hetu::parse("010594+9032").unwrap();
    assert_eq!(h.birth_date(), d(1894, 5, 1));
    for bad in ['G', 'Z', '*', 'a', '/'] {
        assert_eq!(
            Hetu::parse(&format!("010594{bad}9032")),
            Err(HetuError::CenturySign(bad)),
            "sign {bad}"
        );
    }
}

#[test]
fn hetu_wrong_check_characters_are_refused() {
    for wrong in "0123456789ABCDEFHJKLMNPRSUVWXY".chars() {
        // 'T' is the right one for 131052-308.
        let err = Hetu::parse(&format!("131052-308{wrong}")).unwrap_err();
        assert_eq!(
            err,
            HetuError::CheckChar {
                got: wrong,
                expected: 'T'
            }
        );
    }
    // Characters outside the check alphabet (G, I, O, Q, Z) are never valid.
    for wrong in ['G', 'I', 'O', 'Q', 'Z', 'g', 't'] {
        assert!(matches!(
            Hetu::parse(&format!("131052-308{wrong}")),
            Err(HetuError::CheckChar { .. })
        ));
    }
}

#[test]
fn hetu_impossible_dates_are_refused() {
    // Each has a correct check character, so only the date can be at fault.
    for code in [
        "290223A903C",
        "290200-903E",
        "310494-903L",
        "000194-9036",
        "011394-903H",
    ] {
        assert!(
            matches!(Hetu::parse(code), Err(HetuError::ImpossibleDate(_))),
            "{code}: {:?}",
            Hetu::parse(code)
        );
    }
    // Leap days that exist.
    assert_eq!(
        Hetu::parse("290224A903M").unwrap().birth_date(),
        d(2024, 2, 29)
    );
    assert_eq!(
        Hetu::parse("290200A903E").unwrap().birth_date(),
        d(2000, 2, 29)
    );
}

#[test]
fn hetu_shape_errors_name_the_part() {
    assert_eq!(Hetu::parse(""), Err(HetuError::Length(0)));
    assert_eq!(Hetu::parse("131052-308T "), Err(HetuError::Length(12)));
    assert_eq!(Hetu::parse("13105a-308T"), Err(HetuError::DateDigits));
    assert_eq!(Hetu::parse("131052-3x8T"), Err(HetuError::IndividualDigits));
    assert_eq!(
        Hetu::parse("131052-001T"),
        Err(HetuError::IndividualRange(1))
    );
    assert_eq!(
        Hetu::parse("131052-000T"),
        Err(HetuError::IndividualRange(0))
    );
    // Multibyte input of the right char count must not panic.
    assert!(Hetu::parse("ääääää-äääT").is_err());
}

#[test]
fn hetu_is_masked_in_debug_and_display_form() {
    let h = Hetu::parse("131052-308T").unwrap();
    assert_eq!(h.masked(), "131052-****");
    assert!(!format!("{h:?}").contains("308T"));
    assert!(!h.is_test_code());
    assert!(Hetu::parse("010594Y9032").unwrap().is_test_code());
}

#[test]
fn hetu_from_parts_builds_test_codes() {
    for (date, n) in [
        (d(1990, 5, 1), 900),
        (d(2005, 12, 31), 999),
        (d(1899, 1, 1), 950),
    ] {
        let h = Hetu::from_parts(date, n).unwrap();
        assert_eq!(h.birth_date(), date);
        assert!(h.is_test_code());
    }
}

proptest::proptest! {
    #[test]
    fn hetu_parse_never_panics(s in "\\PC{0,14}") {
        let _ = Hetu::parse(&s);
    }

    #[test]
    fn hetu_round_trips_from_any_valid_date(days in 0i64..73_000, n in 2u16..1000) {
        let date = d(1850, 1, 1) + chrono::Duration::days(days);
        let h = Hetu::from_parts(date, n).unwrap();
        proptest::prop_assert_eq!(Hetu::parse(h.as_str()).unwrap().birth_date(), date);
    }
}

// ---- working days --------------------------------------------------------------------------

#[test]
fn easter_dates() {
    assert_eq!(easter_sunday(2024), d(2024, 3, 31));
    assert_eq!(easter_sunday(2025), d(2025, 4, 20));
    assert_eq!(easter_sunday(2026), d(2026, 4, 5));
    assert_eq!(easter_sunday(2027), d(2027, 3, 28));
}

#[test]
fn holidays_2026() {
    let expect = [
        (d(2026, 1, 1), Holiday::NewYearsDay),
        (d(2026, 1, 6), Holiday::Epiphany),
        (d(2026, 4, 3), Holiday::GoodFriday),
        (d(2026, 4, 5), Holiday::EasterSunday),
        (d(2026, 4, 6), Holiday::EasterMonday),
        (d(2026, 5, 1), Holiday::MayDay),
        (d(2026, 5, 14), Holiday::AscensionDay),
        (d(2026, 5, 24), Holiday::Whitsunday),
        (d(2026, 6, 19), Holiday::MidsummerEve),
        (d(2026, 6, 20), Holiday::MidsummerDay),
        (d(2026, 10, 31), Holiday::AllSaintsDay),
        (d(2026, 12, 6), Holiday::IndependenceDay),
        (d(2026, 12, 24), Holiday::ChristmasEve),
        (d(2026, 12, 25), Holiday::ChristmasDay),
        (d(2026, 12, 26), Holiday::BoxingDay),
    ];
    for (date, h) in expect {
        assert_eq!(holiday(date), Some(h), "{date}");
    }
    // Exactly these days in 2026 are holidays.
    let mut date = d(2026, 1, 1);
    let mut count = 0;
    while date.year_ce().1 == 2026 {
        count += usize::from(holiday(date).is_some());
        date = date.succ_opt().unwrap();
    }
    assert_eq!(count, expect.len());
    // Midsummer Eve 2025 was 20 June, All Saints' Day 2025 1 November.
    assert_eq!(holiday(d(2025, 6, 20)), Some(Holiday::MidsummerEve));
    assert_eq!(holiday(d(2025, 11, 1)), Some(Holiday::AllSaintsDay));
    assert_eq!(holiday(d(2026, 6, 26)), None);
}

use chrono::Datelike;

#[test]
fn working_days_across_easter_2026() {
    // Thu 2 April 2026: Good Friday 3.4 and Easter Monday 6.4 are not working days.
    assert!(is_working_day(d(2026, 4, 2)));
    assert!(!is_working_day(d(2026, 4, 3)));
    assert!(!is_working_day(d(2026, 4, 6)));
    assert_eq!(add_working_days(d(2026, 4, 2), 1), Some(d(2026, 4, 7)));
    assert_eq!(add_working_days(d(2026, 4, 1), 5), Some(d(2026, 4, 10)));
    assert_eq!(working_days_between(d(2026, 4, 2), d(2026, 4, 7)), 1);
    assert_eq!(working_days_between(d(2026, 3, 30), d(2026, 4, 10)), 7);
}

#[test]
fn working_days_across_christmas() {
    // Mon 21 Dec 2026; 24, 25 (Fri) and 26 (Sat) Dec off; 1 Jan 2027 (Fri) off.
    assert_eq!(add_working_days(d(2026, 12, 22), 1), Some(d(2026, 12, 23)));
    assert_eq!(add_working_days(d(2026, 12, 23), 1), Some(d(2026, 12, 28)));
    assert_eq!(add_working_days(d(2026, 12, 23), 5), Some(d(2027, 1, 4)));
    assert_eq!(add_working_days(d(2026, 12, 23), 0), Some(d(2026, 12, 23)));
    assert_eq!(working_days_between(d(2026, 12, 23), d(2027, 1, 4)), 5);
    assert_eq!(working_days_between(d(2027, 1, 4), d(2026, 12, 23)), 0);
}

#[test]
fn initial_interview_deadline_is_effective_dated() {
    // Started Mon 22 Dec 2025: 5 working days (23, 29, 30, 31 Dec, 2 Jan).
    assert_eq!(
        initial_interview_deadline(d(2025, 12, 22)),
        Some(d(2026, 1, 2))
    );
    // Started Fri 2 Jan 2026: 10 working days, skipping Epiphany (Tue 6 Jan).
    assert_eq!(
        initial_interview_deadline(d(2026, 1, 2)),
        Some(d(2026, 1, 19))
    );
    // Across Easter 2026.
    assert_eq!(
        initial_interview_deadline(d(2026, 4, 1)),
        Some(d(2026, 4, 17))
    );
}

#[test]
fn effective_dated_refuses_bad_periods() {
    assert!(EffectiveDated::<u32>::new(vec![]).is_err());
    assert!(EffectiveDated::new(vec![(d(2026, 1, 1), 1), (d(2026, 1, 1), 2)]).is_err());
    assert!(EffectiveDated::new(vec![(d(2026, 1, 1), 1), (d(2025, 1, 1), 2)]).is_err());
    let p = EffectiveDated::new(vec![(d(2025, 1, 1), 1), (d(2026, 1, 1), 2)]).unwrap();
    assert_eq!(p.on(d(2024, 12, 31)), None);
    assert_eq!(p.on(d(2025, 12, 31)), Some(&1));
    assert_eq!(p.on(d(2026, 1, 1)), Some(&2));
}

// ---- entries and appointments --------------------------------------------------------------

fn client() -> ClientId {
    "7e0e5c3e-0000-4000-8000-000000000001".parse().unwrap()
}

#[test]
fn entry_details_must_fit_the_type() {
    let t = EntryText::parse("Sovittu suunnitelma.").unwrap();
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
    let plan = |dates: Vec<NaiveDate>| EntryDetails {
        follow_up_dates: dates,
        service: None,
    };
    assert_eq!(
        NewEntry::new(
            client(),
            EntryKind::EmploymentPlan,
            t.clone(),
            at,
            plan(vec![]),
            None
        ),
        Err(EntryError::PlanWithoutFollowUp)
    );
    assert_eq!(
        NewEntry::new(
            client(),
            EntryKind::EmploymentPlan,
            t.clone(),
            at,
            plan(vec![d(2026, 3, 1)]),
            None
        ),
        Err(EntryError::FollowUpBeforePlan(d(2026, 3, 1)))
    );
    assert!(NewEntry::new(
        client(),
        EntryKind::EmploymentPlan,
        t.clone(),
        at,
        plan(vec![d(2026, 4, 1)]),
        None
    )
    .is_ok());
    assert!(matches!(
        NewEntry::new(
            client(),
            EntryKind::Contact,
            t.clone(),
            at,
            plan(vec![d(2026, 4, 1)]),
            None
        ),
        Err(EntryError::DetailNotAllowed { .. })
    ));
    assert_eq!(
        NewEntry::new(
            client(),
            EntryKind::ServiceStart,
            t,
            at,
            EntryDetails::default(),
            None
        ),
        Err(EntryError::ServiceMissing(EntryKind::ServiceStart))
    );
}

#[test]
fn entry_event_cannot_be_in_the_future() {
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
    let e = NewEntry::new(
        client(),
        EntryKind::Contact,
        EntryText::parse("Soitto.").unwrap(),
        at,
        EntryDetails::default(),
        None,
    )
    .unwrap();
    assert!(e.check_event_time(at).is_ok());
    assert!(e.check_event_time(at - chrono::Duration::hours(1)).is_err());
}

#[test]
fn texts_refuse_empty_control_and_oversize() {
    assert_eq!(EntryText::parse("   "), Err(TextError::Empty));
    assert_eq!(
        PersonName::parse("Ma\u{7}tti"),
        Err(TextError::ControlChar(7))
    );
    assert!(EntryText::parse("rivi\ntoinen").is_ok());
    assert!(PersonName::parse("rivi\ntoinen").is_err());
    assert!(matches!(
        EntryText::parse(&"a".repeat(20_001)),
        Err(TextError::TooLong { len: 20_001, .. })
    ));
}

/// Issue 15 item 11: a zero-width space, a right-to-left override or any other invisible
/// format character makes a name or identifier look like another one; names, usernames,
/// addresses and short texts refuse them, free texts keep them (the checker reports them).
#[test]
fn names_and_identifiers_refuse_invisible_format_characters() {
    for c in [
        '\u{200B}', '\u{202E}', '\u{200D}', '\u{2066}', '\u{FEFF}', '\u{00AD}', '\u{2028}',
    ] {
        let text = format!("Kansanel{c}äkelaitos");
        let code = u32::from(c);
        assert_eq!(
            PersonName::parse(&text),
            Err(TextError::FormatChar(code)),
            "{code:X}"
        );
        assert_eq!(
            Username::parse(&text),
            Err(TextError::FormatChar(code)),
            "{code:X}"
        );
        assert_eq!(
            ShortText::parse(&text),
            Err(TextError::FormatChar(code)),
            "{code:X}"
        );
        assert_eq!(
            Address::parse(&text),
            Err(TextError::FormatChar(code)),
            "{code:X}"
        );
        assert_eq!(
            LegalBasis::parse(&text),
            Err(TextError::FormatChar(code)),
            "{code:X}"
        );
        assert!(EntryText::parse(&text).is_ok(), "{code:X}");
        assert!(Reasoning::parse(&text).is_ok(), "{code:X}");
    }
    assert!(PersonName::parse("Kansaneläkelaitos").is_ok());
    assert!(PersonName::parse("Anna-Liisa O'Brien").is_ok());
    assert!(is_bidi_control('\u{202E}') && !is_bidi_control('\u{200B}'));
}

#[test]
fn appointment_times_are_unambiguous_in_helsinki() {
    let phone = AppointmentMode::Phone { phone_number: None };
    // 29 March 2026: clocks go from 03:00 to 04:00.
    let gap = NewAppointment::new(
        client(),
        None,
        d(2026, 3, 29),
        NaiveTime::from_hms_opt(3, 30, 0).unwrap(),
        30,
        phone.clone(),
    );
    assert!(matches!(
        gap,
        Err(AppointmentError::NonexistentLocalTime { .. })
    ));
    // 25 October 2026: 03:00–04:00 happens twice.
    let twice = NewAppointment::new(
        client(),
        None,
        d(2026, 10, 25),
        NaiveTime::from_hms_opt(3, 30, 0).unwrap(),
        30,
        phone.clone(),
    );
    assert!(matches!(
        twice,
        Err(AppointmentError::AmbiguousLocalTime { .. })
    ));
    let ok = NewAppointment::new(
        client(),
        None,
        d(2026, 6, 1),
        NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        45,
        phone,
    )
    .unwrap();
    // Summer time: UTC+3.
    assert_eq!(
        ok.starts_at,
        Utc.with_ymd_and_hms(2026, 6, 1, 6, 0, 0).unwrap()
    );
}

#[test]
fn enums_parse_codes_and_name_the_alternatives() {
    assert_eq!("keha".parse::<OrgKind>(), Ok(OrgKind::Keha));
    let err = "teleport".parse::<ContactMethodKind>().unwrap_err();
    assert!(
        err.to_string().contains("online phone video visit letter"),
        "{err}"
    );
    for k in EntryKind::ALL {
        assert_eq!(k.code().parse::<EntryKind>(), Ok(*k));
    }
}

// ---- issue 15: dates at the ends of the calendar -------------------------------------------

/// Any date chrono can represent: half drawn from the whole range, half from the last and
/// first few weeks, where arithmetic overflows.
fn any_date() -> impl proptest::strategy::Strategy<Value = NaiveDate> {
    use proptest::prelude::*;
    let (min, max) = (
        NaiveDate::MIN.num_days_from_ce(),
        NaiveDate::MAX.num_days_from_ce(),
    );
    prop_oneof![min..=max, (max - 40)..=max, min..=(min + 40),]
        .prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap())
}

/// Issue 15 item 1: the initial-interview deadline of a job search started on the last day
/// the calendar holds does not exist; asking for it is an answer, not a panic (it was
/// `NaiveDate + TimeDelta overflowed` in every later read of the client).
#[test]
fn deadlines_at_the_end_of_the_calendar_are_none_not_a_panic() {
    assert_eq!(initial_interview_deadline(NaiveDate::MAX), None);
    assert_eq!(add_working_days(NaiveDate::MAX, 1), None);
    assert_eq!(add_working_days(NaiveDate::MAX, 0), Some(NaiveDate::MAX));
    assert_eq!(working_days_between(NaiveDate::MAX, NaiveDate::MIN), 0);
    // The probe's `+262142-12-31` is that last day.
    assert_eq!(
        NaiveDate::from_ymd_opt(262_142, 12, 31),
        Some(NaiveDate::MAX)
    );
}

/// Issue 15 items 1 and 9: a date a person enters lies from 1900-01-01 to two years after
/// today; year 0, year 9999 and the probe's `+262142-12-31` are refused, naming the range.
#[test]
fn plausible_dates_run_from_1900_to_two_years_ahead() {
    use kirjuri_domain::time::plausible_date;
    let today = d(2026, 3, 2);
    assert_eq!(plausible_date(d(1900, 1, 1), today), Ok(d(1900, 1, 1)));
    assert_eq!(plausible_date(d(2028, 3, 2), today), Ok(d(2028, 3, 2)));
    for bad in [
        d(1899, 12, 31),
        d(2028, 3, 3),
        d(0, 1, 1),
        d(9999, 12, 31),
        d(262_142, 12, 31),
    ] {
        let err = plausible_date(bad, today).unwrap_err();
        assert!(
            err.to_string().contains("1900-01-01") && err.to_string().contains("2028-03-02"),
            "{err}"
        );
    }
}

proptest::proptest! {
    /// Issue 15 item 1: no calendar arithmetic of the domain panics anywhere in the range of
    /// `NaiveDate` (holidays, working days, deadlines, the plausible range, Easter, job-search
    /// periods, appointments, entry times, identity codes built from a date).
    #[test]
    fn calendar_arithmetic_never_panics(
        date in any_date(),
        other in any_date(),
        n in 0u32..40,
        secs in 0u32..86_400,
        individual in 2u16..1000,
    ) {
        let _ = holiday(date);
        let _ = is_working_day(date);
        let _ = easter_sunday(chrono::Datelike::year(&date));
        let deadline = initial_interview_deadline(date);
        if let Some(d) = deadline {
            proptest::prop_assert!(d > date);
        }
        if let Some(d) = add_working_days(date, n) {
            proptest::prop_assert!(d >= date);
        }
        // Bounded spans only: the count itself is linear in the span.
        let near = add_working_days(date, n).unwrap_or(date);
        proptest::prop_assert!(working_days_between(date, near) <= n);
        let _ = working_days_between(other, date.min(other));
        let _ = kirjuri_domain::time::plausible_date(date, other);
        let time = NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap();
        let _ = NewAppointment::new(
            client(),
            None,
            date,
            time,
            30,
            AppointmentMode::Phone { phone_number: None },
        );
        let at = date.and_time(time).and_utc();
        let _ = kirjuri_domain::time::helsinki_date(at);
        let _ = FixedClock::new(at).today();
        let entry = NewEntry::new(
            client(),
            EntryKind::EmploymentPlan,
            EntryText::parse("Suunnitelma.").unwrap(),
            at,
            EntryDetails { follow_up_dates: vec![other], service: None },
            None,
        );
        if let Ok(e) = entry {
            let _ = e.check_event_time(other.and_time(time).and_utc());
        }
        let _ = Hetu::from_parts(date, individual);
        let search = JobSearch {
            id: JobSearchId::from_uuid(uuid::Uuid::nil()),
            client_id: client(),
            start_date: date,
            end: None,
            recorded_at: at,
            recorded_by: UserId::from_uuid(uuid::Uuid::nil()),
        };
        let _ = search.is_active_on(other);
    }
}
