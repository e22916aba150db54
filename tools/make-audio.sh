#!/bin/sh
# make-audio.sh — regenerate the bundled loaxa recordings in audio/.
#
# Every file in audio/ (except README.md, which this script also writes) is
# synthesized here from fixed Vietnamese texts with espeak-ng (voice "vi") and
# converted with sox / flac / oggenc / lame.  Running the script again yields
# the same files (sox runs in repeatable mode -R without dither, oggenc uses
# a fixed stream serial number, no timestamps are embedded).
#
# It also writes the small test audio root used by the loader's fixtures:
# tests/fixtures/audio/test/{tone,long,notaudio}.wav.
#
# Usage: tools/make-audio.sh [OUTDIR]      (default: <repo>/audio)
# Needs: espeak-ng sox flac vorbis-tools lame
#   apt-get install espeak-ng sox libsox-fmt-mp3 flac vorbis-tools lame
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$here/audio"}

for tool in espeak-ng sox soxi flac oggenc lame; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "make-audio.sh: missing tool: $tool" >&2
        exit 1
    }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/loaxa-audio.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

mkdir -p "$out/tthc" "$out/khan-cap"

SPEED=150            # words per minute; a calm, clear delivery
SOX="sox -R -D -V1"  # repeatable, no dither, quiet

# speak NAME TEXT : espeak-ng -> $tmp/NAME.raw.wav (22050 Hz mono), then
# normalise, add 0.3 s of silence front and back.
speak() {
    espeak-ng -v vi -s "$SPEED" -w "$tmp/$1.espeak.wav" "$2"
    $SOX "$tmp/$1.espeak.wav" "$tmp/$1.speech.wav" \
        gain -n -3 pad 0.3 0.3
}

# jingle TAG : a short bright tone used before/after speech items
# (C major arpeggio C5-E5-G5-C6 then a held chord, with fades).
jingle() {
    n=0
    for f in 523.25 659.25 783.99 1046.50; do
        $SOX -n -r 22050 -c 1 "$tmp/j$n.wav" \
            synth 0.45 sine "$f" sine "$(awk "BEGIN{print $f*2}")" remix 1,2 \
            fade q 0.02 0.45 0.25 gain -n -9
        n=$((n + 1))
    done
    $SOX -n -r 22050 -c 1 "$tmp/jchord.wav" \
        synth 1.8 sine 523.25 sine 659.25 sine 783.99 sine 1046.50 \
        remix 1,2,3,4 fade q 0.05 1.8 1.2 gain -n -6
    $SOX "$tmp/j0.wav" "$tmp/j1.wav" "$tmp/j2.wav" "$tmp/j3.wav" \
        "$tmp/jchord.wav" "$tmp/$1.wav" reverb 30 50 60 gain -n -3
}

# siren TAG : two-tone warning signal (about 2 s) for the emergency item.
siren() {
    $SOX -n -r 22050 -c 1 "$tmp/s-hi.wav" synth 0.5 square 960 \
        fade q 0.01 0.5 0.01 gain -n -10
    $SOX -n -r 22050 -c 1 "$tmp/s-lo.wav" synth 0.5 square 770 \
        fade q 0.01 0.5 0.01 gain -n -10
    $SOX "$tmp/s-hi.wav" "$tmp/s-lo.wav" "$tmp/s-hi.wav" "$tmp/s-lo.wav" \
        "$tmp/$1.wav" lowpass 3000
}

# --- 1. signature tune --------------------------------------------------
jingle tune
# 22050 Hz stereo (right channel slightly softer), ~3.6 s
$SOX "$tmp/tune.wav" -r 22050 -c 2 -b 16 "$out/nhac-hieu.wav" \
    remix 1 1v0.85 fade q 0.02 -0 0.6

# --- 2. spoken items ------------------------------------------------------
speak gioi-thieu "Kính thưa bà con nhân dân thị trấn Vĩnh Lộc. \
Đài truyền thanh thị trấn xin giới thiệu chuyên mục cải cách hành chính, \
phát sóng hằng tuần vào sáng và chiều thứ Hai, thứ Năm. \
Mời bà con đón nghe."

speak mot-cua "Thực hiện cơ chế một cửa, từ nay bà con đến làm thủ tục hành chính \
tại Bộ phận tiếp nhận và trả kết quả của Ủy ban nhân dân thị trấn. \
Hồ sơ được tiếp nhận tại một nơi, trả kết quả tại một nơi, \
công khai, minh bạch, đúng hẹn. Bà con không phải đi lại nhiều lần."

speak mot-cua-lien-thong "Cơ chế một cửa liên thông giúp bà con giải quyết \
nhiều thủ tục cùng lúc. Ví dụ, khi đăng ký khai sinh cho con, \
bà con được làm luôn thủ tục đăng ký thường trú và cấp thẻ bảo hiểm y tế \
cho trẻ dưới sáu tuổi, chỉ với một bộ hồ sơ."

speak dich-vu-cong "Bà con có thể nộp hồ sơ thủ tục hành chính qua mạng, \
bằng dịch vụ công trực tuyến, tại nhà, vào bất cứ lúc nào. \
Hồ sơ trực tuyến được giảm phí, lệ phí theo quy định. \
Nếu cần hỗ trợ, bà con liên hệ Bộ phận một cửa của thị trấn trong giờ hành chính."

speak cong-dvc-quoc-gia "Cổng Dịch vụ công quốc gia có địa chỉ \
dịch vụ công chấm gov chấm vn. Bà con đăng nhập bằng tài khoản định danh \
điện tử mức hai trên ứng dụng VNeID để nộp hồ sơ, theo dõi tiến độ \
và nhận kết quả giải quyết thủ tục hành chính."

speak ket-qua-phan-anh "Ủy ban nhân dân thị trấn thông báo kết quả tiếp nhận \
và xử lý phản ánh, kiến nghị của người dân và doanh nghiệp trong tháng qua. \
Tất cả phản ánh, kiến nghị về quy định hành chính đều đã được tiếp nhận, \
trả lời đúng thời hạn. Bà con tiếp tục gửi phản ánh, kiến nghị \
tại Bộ phận một cửa hoặc qua hộp thư góp ý của thị trấn."

speak cuoc-thi "Thông báo cuộc thi tìm hiểu về cải cách hành chính và \
kiểm soát thủ tục hành chính. Cán bộ, công chức và nhân dân trên địa bàn \
thị trấn đều có thể tham gia. Bài dự thi nộp tại Văn phòng Ủy ban nhân dân \
thị trấn trước ngày cuối cùng của quý. Ban tổ chức sẽ trao giải \
cho các cá nhân, tập thể có bài dự thi xuất sắc."

speak thien-tai "Thông báo khẩn cấp. Ban chỉ huy phòng chống thiên tai \
và tìm kiếm cứu nạn thị trấn Vĩnh Lộc thông báo: \
bão và mưa lớn đang ảnh hưởng trực tiếp đến địa bàn. \
Đề nghị bà con chằng chống nhà cửa, không ra sông, suối, \
di chuyển người và tài sản khỏi vùng trũng thấp, vùng nguy cơ sạt lở. \
Thông báo khẩn cấp."

# --- 3. assemble programmes and encode ---------------------------------------
# intro: speech only (plans put nhac-hieu.wav in front), WAV 22050 Hz mono
$SOX "$tmp/gioi-thieu.speech.wav" \
    -r 22050 -c 1 -b 16 "$out/tthc/gioi-thieu-chuyen-muc.wav"

# emergency: siren + speech + siren, WAV 16000 Hz mono 16-bit (telephone
# quality is enough for a warning and keeps the file small)
siren siren
$SOX "$tmp/siren.wav" "$tmp/thien-tai.speech.wav" "$tmp/siren.wav" \
    -r 16000 -c 1 -b 16 "$out/khan-cap/phong-chong-thien-tai.wav" \
    rate -v 16000

# FLAC: 22050 Hz mono and 48000 Hz mono
$SOX "$tmp/dich-vu-cong.speech.wav" -r 22050 -c 1 -b 16 "$tmp/dvc.wav"
flac --silent --force --best -o "$out/tthc/dich-vu-cong-truc-tuyen.flac" \
    -T "TITLE=Dịch vụ công trực tuyến" -T "ARTIST=Đài truyền thanh thị trấn" \
    "$tmp/dvc.wav"
$SOX "$tmp/cuoc-thi.speech.wav" -r 48000 -c 1 -b 16 "$tmp/ct.wav" rate -v 48000
flac --silent --force --best -o "$out/tthc/cuoc-thi-tim-hieu.flac" \
    -T "TITLE=Thông báo cuộc thi tìm hiểu" -T "ARTIST=Đài truyền thanh thị trấn" \
    "$tmp/ct.wav"

# Ogg Vorbis: 48000 Hz stereo and 44100 Hz mono, low quality is fine for speech
$SOX "$tmp/mot-cua-lien-thong.speech.wav" -r 48000 -c 2 -b 16 "$tmp/mclt.wav" \
    rate -v 48000
oggenc --quiet --serial 1001 -q 0 \
    -t "Một cửa liên thông" -a "Đài truyền thanh thị trấn" \
    -o "$out/tthc/mot-cua-lien-thong.ogg" "$tmp/mclt.wav"
$SOX "$tmp/cong-dvc-quoc-gia.speech.wav" -r 44100 -c 1 -b 16 "$tmp/cdvc.wav" \
    rate -v 44100
oggenc --quiet --serial 1002 -q 0 \
    -t "Cổng Dịch vụ công quốc gia" -a "Đài truyền thanh thị trấn" \
    -o "$out/tthc/cong-dich-vu-cong-quoc-gia.ogg" "$tmp/cdvc.wav"

# MP3: 44100 Hz stereo 48 kbit/s and 22050 Hz mono 32 kbit/s
$SOX "$tmp/mot-cua.speech.wav" -r 44100 -c 2 -b 16 "$tmp/mc.wav" rate -v 44100
lame --quiet --noreplaygain -b 48 -m j --resample 44.1 \
    --tt "Cơ chế một cửa" --ta "Đài truyền thanh thị trấn" --id3v2-only \
    "$tmp/mc.wav" "$out/tthc/mot-cua.mp3"
$SOX "$tmp/ket-qua-phan-anh.speech.wav" -r 22050 -c 1 -b 16 "$tmp/kq.wav"
lame --quiet --noreplaygain -b 32 -m m \
    --tt "Kết quả tiếp nhận phản ánh, kiến nghị" --ta "Đài truyền thanh thị trấn" \
    --id3v2-only "$tmp/kq.wav" "$out/tthc/ket-qua-phan-anh-kien-nghi.mp3"

# --- 4. test audio root for the loader's fixtures (tests/fixtures/audio) ----
t="$here/tests/fixtures/audio/test"
mkdir -p "$t"
# 1 s, 440 Hz, 22050 Hz mono 16-bit
$SOX -n -r 22050 -c 1 -b 16 "$t/tone.wav" synth 1 sine 440 fade q 0.01 1 0.01 gain -3
# 60 s, 440/660 Hz alternating beeps, 8000 Hz mono 8-bit (small file)
$SOX -n -r 8000 -c 1 -b 8 "$t/long.wav" \
    synth 0.5 sine 440 fade q 0.01 0.5 0.01 pad 0 0.5 repeat 59 gain -6
# a text file with an audio name
printf '%s\n' "This is not audio: a text file named .wav (loaxa test fixture)." \
    >"$t/notaudio.wav"

# --- 5. README -------------------------------------------------------------
files="nhac-hieu.wav
tthc/gioi-thieu-chuyen-muc.wav
tthc/mot-cua.mp3
tthc/mot-cua-lien-thong.ogg
tthc/dich-vu-cong-truc-tuyen.flac
tthc/cong-dich-vu-cong-quoc-gia.ogg
tthc/ket-qua-phan-anh-kien-nghi.mp3
tthc/cuoc-thi-tim-hieu.flac
khan-cap/phong-chong-thien-tai.wav"

describe() {
    case $1 in
    nhac-hieu.wav) echo "Signature tune (nhạc hiệu): C-major arpeggio and chord with fades, synthesized with sox." ;;
    tthc/gioi-thieu-chuyen-muc.wav) echo "Intro (speech) of the weekly administrative-reform segment (chuyên mục cải cách hành chính); plans air nhac-hieu.wav before it." ;;
    tthc/mot-cua.mp3) echo "One-stop mechanism (cơ chế một cửa) at the commune reception desk." ;;
    tthc/mot-cua-lien-thong.ogg) echo "Inter-agency one-stop (một cửa liên thông): birth registration + residence + health card." ;;
    tthc/dich-vu-cong-truc-tuyen.flac) echo "Online public services (dịch vụ công trực tuyến): apply from home, reduced fees." ;;
    tthc/cong-dich-vu-cong-quoc-gia.ogg) echo "National Public Service Portal (Cổng Dịch vụ công quốc gia), VNeID level-2 login." ;;
    tthc/ket-qua-phan-anh-kien-nghi.mp3) echo "Monthly results of citizen feedback (kết quả tiếp nhận phản ánh, kiến nghị)." ;;
    tthc/cuoc-thi-tim-hieu.flac) echo "Quarterly contest notice (cuộc thi tìm hiểu cải cách hành chính)." ;;
    khan-cap/phong-chong-thien-tai.wav) echo "EMERGENCY: disaster-prevention storm warning (phòng chống thiên tai), siren + speech + siren." ;;
    esac
}

{
    echo "# audio/ — bundled recordings"
    echo
    echo "Every audio file here was generated by \`tools/make-audio.sh\`"
    echo "(espeak-ng voice \`vi\`, speed $SPEED wpm, plus sox/flac/oggenc/lame)."
    echo "Do not edit them by hand: change the texts in the script and rerun it;"
    echo "the output is reproducible. Paths below are relative to this audio root,"
    echo "as used by \`ATTACH\` in the plans (e.g. \`ATTACH:tthc/mot-cua.mp3\`)."
    echo
    echo "| file | format | rate / channels | duration (s) | content |"
    echo "|---|---|---|---|---|"
    echo "$files" | while read -r f; do
        case $f in
        *.wav) fmt="WAV PCM 16-bit" ;;
        *.flac) fmt="FLAC" ;;
        *.ogg) fmt="Ogg Vorbis" ;;
        *.mp3) fmt="MP3 (CBR)" ;;
        esac
        rate=$(soxi -r "$out/$f")
        ch=$(soxi -c "$out/$f")
        dur=$(soxi -D "$out/$f")
        dur=$(printf '%.2f' "$dur")
        echo "| \`$f\` | $fmt | $rate Hz / $ch ch | $dur | $(describe "$f") |"
    done
    echo
    echo "Durations are as reported by \`soxi -D\` (MP3 durations are approximate"
    echo "to a frame). Plans must give each item a slot (DTEND/DURATION) longer"
    echo "than the sum of its recordings."
    echo
    echo "The same script also writes the test audio root of the loader's"
    echo "fixtures: \`tests/fixtures/audio/test/tone.wav\` (1 s, 440 Hz),"
    echo "\`long.wav\` (60 s) and \`notaudio.wav\` (a text file)."
} >"$out/README.md"

echo "make-audio.sh: wrote $(echo "$files" | wc -l) recordings and README.md to $out, test audio to $t"
