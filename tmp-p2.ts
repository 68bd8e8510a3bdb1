import { readPersonName } from './src/people/person-key.js';
import { PEOPLE } from './tests/people/people-set.js';
let pairs=0, merged=0; const misses:string[]=[];
const all = PEOPLE.flatMap((p,pi)=>p.forms.map(([n,l])=>({pi,n,keys:readPersonName(n,l).keys})));
const share=(a:string[],b:string[])=>a.some(k=>b.includes(k));
for (let i=0;i<all.length;i++) for (let j=i+1;j<all.length;j++){const a=all[i]!,b=all[j]!; if(a.pi===b.pi){pairs++; if(share(a.keys,b.keys)) merged++; else misses.push(`${a.n}|${a.keys} ≠ ${b.n}|${b.keys}`);} else if (share(a.keys,b.keys)) console.log('FALSE', a.n, b.n, a.keys);}
console.log(pairs, merged, merged/pairs); console.log(misses.join('\n'));
