"""The kernels of this experiment (run from the repository root with experiment.patch applied)."""
import sys, subprocess, os
sys.path.insert(0, 'bench')
from make_kernels import monarch_mlir
def sq(m): return (m,m,m),(m,m,m)
names = {"b": "block_tokens", "c": "cluster", "s": "stages", "w": "warps", "t": "tiles", "r": "resident_factors"}
def sched(t): return {names[p[0]]: int(p[1:]) for p in t.split("-")}
cases = []
for s in ["b32-c8-s3-t4","b32-c8-s3-t8","b32-c8-s2-t4","b32-c8-s4-t4","b32-c8-s3-w4-t4","b16-c8-s3-t8","b16-c8-s2-t8-r2","b32-c4-s2-t4","b64-c8-s2-t2", "b32-c8-s3-t16"]:
    cases.append((f"bench-n4096-{s}-occ2", [16384,4096], sq(64), s, True))
for s in ["b32-c2-s3-t4","b32-c2-s3-t8","b64-c2-s2-t2","b32-c2-s3-w4-t4","b32-c4-s3-t4-r2"]:
    cases.append((f"bench-n1024-{s}-occ2", [16384,1024], sq(32), s, True))
cases.append(("check-n4096-rows1000-b32-c8-s3-t4-occ2",[1000,4096],sq(64),"b32-c8-s3-t4",True))
cases.append(("check-n4096-rows77-b16-c8-s2-t8-r2-occ2",[77,4096],sq(64),"b16-c8-s2-t8-r2",True))
cases.append(("check-n1024-3d-b32-c2-s3-w4-t4-occ2",[3,250,1024],sq(32),"b32-c2-s3-w4-t4",True))
# baselines, occupancy 1
for s in ["b32-c8-s3-t4-r1","b64-c8-s3-w4-t1-r2","b32-c8-s3-t4","b16-c8-s3-t8"]:
    cases.append((f"bench-n4096-{s}", [16384,4096], sq(64), s, False))
for s in ["b64-c2-s3","b32-c2-s3-t4"]:
    cases.append((f"bench-n1024-{s}", [16384,1024], sq(32), s, False))
for name, shape, f, s, occ in cases:
    d=f".kernels-exp/monarch/{name}"; os.makedirs(d, exist_ok=True)
    open(d+"/kernel.mlir","w").write(monarch_mlir(shape,*f,schedule=sched(s)))
    env=dict(os.environ)
    if occ: env["MIXC_MONARCH_OCC"]="2"
    r=subprocess.run(["build/bin/mixc", d+"/kernel.mlir","-o",d],capture_output=True,text=True,env=env)
    out=r.stdout.strip()
    ok = r.returncode==0
    if ok and occ:
        shared=int(out.split(",")[1].split()[0])
        if shared + 16 > 228*1024//2 - 1024: ok=False; out += "  TOO BIG"
    print(name, out if ok else "DROP "+out+r.stderr[:150])
    if not ok: subprocess.run(["rm","-rf",d])
