import pandas as pd

from lib.sources.embedded import FLIGHTS_PATH, load_flights, read_flights_csv


def test_flights_shape_and_types(flights):
    frame = flights.frame
    assert frame.shape == (336776, 19)
    assert isinstance(frame["time_hour"].dtype, pd.DatetimeTZDtype)
    for column in ("carrier", "origin", "dest"):
        assert isinstance(frame[column].dtype, pd.CategoricalDtype)
    assert set(frame["origin"].cat.categories) == {"EWR", "JFK", "LGA"}


def test_time_hour_is_new_york_local_time(flights):
    first = flights.frame["time_hour"].min()
    assert str(first.tz) == "America/New_York"
    assert (first.year, first.month, first.day, first.hour) == (2013, 1, 1, 5)


def test_parquet_cache_gives_the_same_frame(tmp_path):
    first = load_flights(cache_dir=tmp_path)
    assert len(list(tmp_path.glob("flights-*.parquet"))) == 1
    second = load_flights(cache_dir=tmp_path)
    pd.testing.assert_frame_equal(first.frame, second.frame)
    assert first.id == second.id and first.id.startswith("embedded:flights:")


def test_corrupt_cache_falls_back_to_csv(tmp_path):
    first = load_flights(cache_dir=tmp_path)
    cached = next(tmp_path.glob("flights-*.parquet"))
    cached.write_bytes(b"not parquet")
    again = load_flights(cache_dir=tmp_path)
    assert len(again.frame) == len(first.frame)


def test_csv_reader_matches_raw_counts():
    frame = read_flights_csv(FLIGHTS_PATH)
    raw = pd.read_csv(FLIGHTS_PATH)
    assert int(frame["arr_delay"].isna().sum()) == int(raw["arr_delay"].isna().sum())
    assert int(frame["distance"].sum()) == int(raw["distance"].sum())
