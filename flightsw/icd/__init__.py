"""The interface control document in code: everything that crosses between the two processes.

The flight side owns it; the ground imports it, and nothing else of the flight software but a
short allow-list (tests/test_architecture.py). docs/icd.md describes the same format in prose.

- `packet`, `crc`, `cuc`: CCSDS space packets with PUS-C headers, their CRC and time field
- `transfer_frame`: the TM transfer frames that carry the packets down, packed and taken apart
- `services`: PUS service numbers, verification stages, event severities
- `messages`, `storage_schedule`: the typed body of every service/subtype, and their codec
- `truth`, `simport`: the truth feed and the sim port's requests and replies
- `sdls`: the layout of authenticated telecommands (security header, MAC)
- `fields`, `codec`, `refusals`: field types with their ranges; one encode and one validating
  decode; refusals in words
- `dictionary`: command, fault and telemetry specs, as the spacecraft publishes them
- `errorcodes`: why a telecommand failed, as TM[1,x] failure reports carry it
- `endpoints`, `margins`: where each socket lives; margins both sides agree on
- `envelope`: the uplink's `[arrival time, frame]`, opened and checked
- `reasons`, `reporting`: every refusal's reason word; how refusals are reported under a flood
"""

from flightsw.errors import CommandError, FrameError, MessageError
from flightsw.icd.crc import crc16_ccitt_false
from flightsw.icd.cuc import CUC_LENGTH, MAX_MISSION_TIME_S, decode_cuc, encode_cuc
from flightsw.icd.curve import Gatekeeper, connect_securely, sender_key, serve_securely
from flightsw.icd.dictionary import (
    ArgSpec,
    CommandSpec,
    FaultSpec,
    MissionDictionary,
    ParamSpec,
    Scalar,
    SubsystemDictionary,
    dictionary_from_json,
    validate_args,
    with_choices,
)
from flightsw.icd.endpoints import HOST, Endpoints, bind_form
from flightsw.icd.envelope import ARRIVAL, encode_envelope
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.fields import FLOAT_MAX, NAME_CHARS, TEXT_CHARS
from flightsw.icd.margins import (
    DOWNLINK_QUEUE_MESSAGES,
    MAX_AHEAD_S,
    MAX_CLOCK_RATE,
    MAX_MESSAGE_OCTETS,
    MAX_STEP_S,
    RECEIVE_QUEUE_MESSAGES,
    REFUSAL_SUMMARY_INTERVAL_S,
    RELEASE_MARGIN_S,
)
from flightsw.icd.messages import (
    MAX_BODY_OCTETS,
    EventReport,
    Housekeeping,
    Message,
    ParameterValues,
    PerformFunction,
    Ping,
    Pong,
    ReadParameters,
    SetReportInterval,
    TimeReport,
    Verification,
    decode_body,
    encode_body,
    register,
)
from flightsw.icd.packet import (
    ACK_ALL,
    IDLE_APID,
    MAX_APID,
    SEQUENCE_MODULO,
    Packet,
    PacketType,
    decode,
    encode_tc,
    encode_tm,
    peek_tm_identity,
    peek_tm_time_s,
)
from flightsw.icd.rekey import ACTIVATE_KEY, AUTHENTICATED_COMMANDS
from flightsw.icd.reporting import RefusalReporter, RefusalSummary
from flightsw.icd.services import Service, Severity, Stage
from flightsw.icd.storage_schedule import (
    DeleteActivity,
    DeleteStore,
    DisableSchedule,
    DumpStore,
    EnableSchedule,
    InsertActivity,
    ReportSchedule,
    ReportStore,
    ResetSchedule,
    ScheduledActivity,
    ScheduleReport,
    StoredFrames,
    StoreStatus,
    TimeShiftSchedule,
)
from flightsw.icd.transfer_frame import (
    FRAME_LENGTH,
    Deframer,
    Framer,
    TransferFrame,
    decode_frame,
    first_packet,
    peek_frame_time_s,
    split_message,
)
from flightsw.icd.truth import Truth, decode_truth, encode_truth

from flightsw.icd import simport  # isort: skip  (the sim port's messages, by module: simport.StepRequest)
from flightsw.icd import sdls  # isort: skip  (telecommand security, by module: sdls.secure)

__all__ = [
    "ACK_ALL",
    "ACTIVATE_KEY",
    "ARRIVAL",
    "AUTHENTICATED_COMMANDS",
    "CUC_LENGTH",
    "DOWNLINK_QUEUE_MESSAGES",
    "FLOAT_MAX",
    "FRAME_LENGTH",
    "HOST",
    "IDLE_APID",
    "MAX_AHEAD_S",
    "MAX_APID",
    "MAX_BODY_OCTETS",
    "MAX_CLOCK_RATE",
    "MAX_MESSAGE_OCTETS",
    "MAX_MISSION_TIME_S",
    "MAX_STEP_S",
    "NAME_CHARS",
    "RECEIVE_QUEUE_MESSAGES",
    "REFUSAL_SUMMARY_INTERVAL_S",
    "RELEASE_MARGIN_S",
    "SEQUENCE_MODULO",
    "TEXT_CHARS",
    "ArgSpec",
    "CommandError",
    "CommandSpec",
    "Deframer",
    "DeleteActivity",
    "DeleteStore",
    "DisableSchedule",
    "DumpStore",
    "EnableSchedule",
    "Endpoints",
    "ErrorCode",
    "EventReport",
    "FaultSpec",
    "FrameError",
    "Framer",
    "Gatekeeper",
    "Housekeeping",
    "InsertActivity",
    "Message",
    "MessageError",
    "MissionDictionary",
    "Packet",
    "PacketType",
    "ParamSpec",
    "ParameterValues",
    "PerformFunction",
    "Ping",
    "Pong",
    "ReadParameters",
    "RefusalReporter",
    "RefusalSummary",
    "ReportSchedule",
    "ReportStore",
    "ResetSchedule",
    "Scalar",
    "ScheduleReport",
    "ScheduledActivity",
    "Service",
    "SetReportInterval",
    "Severity",
    "Stage",
    "StoreStatus",
    "StoredFrames",
    "SubsystemDictionary",
    "TimeReport",
    "TimeShiftSchedule",
    "TransferFrame",
    "Truth",
    "Verification",
    "bind_form",
    "connect_securely",
    "crc16_ccitt_false",
    "decode",
    "decode_body",
    "decode_cuc",
    "decode_frame",
    "decode_truth",
    "dictionary_from_json",
    "encode_body",
    "encode_cuc",
    "encode_envelope",
    "encode_tc",
    "encode_tm",
    "encode_truth",
    "first_packet",
    "peek_frame_time_s",
    "peek_tm_identity",
    "peek_tm_time_s",
    "register",
    "sdls",
    "sender_key",
    "serve_securely",
    "simport",
    "split_message",
    "validate_args",
    "with_choices",
]
