"""What the flight software really sends fits the ICD's types: every subsystem's housekeeping
and every mission's dictionary decode as declared."""

from __future__ import annotations

import pytest

from flightsw.config.catalog import shipped_missions
from flightsw.config.mission import load_mission
from flightsw.executive.spacecraft import mission_dictionary
from flightsw.icd import Housekeeping, decode, decode_body, encode_body, encode_tm, simport
from flightsw.subsystems.registry import build_models


@pytest.mark.parametrize("mission", shipped_missions())
def test_every_subsystems_housekeeping_decodes_as_declared(mission: str) -> None:
    config = load_mission(mission)
    for model in build_models(config):
        report = Housekeeping(model.name, dict(model.housekeeping(model.initial_state())))
        frame = encode_tm(config.apids[model.name], 0, 3, 25, 0.0, encode_body(report))
        assert type(decode_body(decode(frame))) is Housekeeping, model.name


@pytest.mark.parametrize("mission", shipped_missions())
def test_the_dictionary_and_fault_list_decode_as_declared(mission: str) -> None:
    config = load_mission(mission)
    models = build_models(config)
    dictionary = mission_dictionary(config, models)
    served = simport.DictionaryReply(dictionary=dictionary)
    decoded = simport.decode_reply(simport.DictionaryRequest(), simport.encode(served))
    assert isinstance(decoded, simport.DictionaryReply)
    assert decoded.dictionary.to_dict() == dictionary.to_dict()
    faults = simport.FaultsReply(faults={m.name: tuple(m.faults) for m in models})
    assert simport.decode_reply(simport.FaultsRequest(), simport.encode(faults)) == faults
