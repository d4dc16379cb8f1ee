"use client";

/** Charts over the chosen horizon: DC cost avoided and net dollars by year; energy on each side in the chosen year (negative bars red). */
import { Bar, BarChart, CartesianGrid, Cell, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { fmt } from "../../lib/core/tco/format";
import type { TcoResult } from "../../lib/core/tco/model";

const BLUE = "#0b5cad";
const GREEN = "#2a7f62";
const RED = "#a52714";

export function YearCharts({ years, r, withheld }: { years: TcoResult[]; r: TcoResult; withheld: boolean }) {
  const big = Math.max(r.dc.energyAvoidedMwh, r.device.energyAddedMwh) >= 1e6;
  const eUnit = big ? "TWh" : "GWh";
  const eDiv = big ? 1e6 : 1e3;
  const energyBars = [
    { name: "Data center avoided", energy: r.dc.energyAvoidedMwh / eDiv },
    { name: "Devices added", energy: -r.device.energyAddedMwh / eDiv },
    ...(withheld ? [] : [{ name: "Net saved", energy: r.net.energySavedMwh / eDiv }]),
  ];
  return (
    <>
      <h3>By year over the horizon ({years[0]?.year}–{years.at(-1)?.year}), $ billion</h3>
      <div className="chart" role="img" aria-label="Bar chart of data-center cost avoided and net dollars by year, in billions of dollars">
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={years.map((y) => ({ year: y.year, dc: y.dc.costAvoidedLongRunUsd / 1e9, net: withheld ? null : y.net.usd / 1e9 }))}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="year" />
            <YAxis width={56} tickFormatter={(v) => `$${fmt(Number(v), 0)}B`} />
            <Tooltip formatter={(v) => `$${fmt(Number(v), 2)}B`} />
            <Legend />
            <ReferenceLine y={0} stroke="#14181f" />
            <Bar dataKey="dc" name="DC cost avoided" fill={BLUE} isAnimationActive={false} />
            {!withheld && (
              <Bar dataKey="net" name="Net (society)" isAnimationActive={false}>
                {years.map((y) => (
                  <Cell key={y.year} fill={y.net.usd < 0 ? RED : GREEN} />
                ))}
              </Bar>
            )}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <h3>
        Energy: data center versus devices ({r.year}), {eUnit}
      </h3>
      <div className="chart" role="img" aria-label={`Bar chart of data-center energy avoided, device energy added and net energy saved, in ${eUnit}`}>
        <ResponsiveContainer width="100%" height={200}>
          <BarChart data={energyBars}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" tick={{ fontSize: 11 }} />
            <YAxis width={56} tickFormatter={(v) => fmt(Number(v), 1)} />
            <Tooltip formatter={(v) => `${fmt(Number(v), 3)} ${eUnit}`} />
            <ReferenceLine y={0} stroke="#14181f" />
            <Bar dataKey="energy" name={`${eUnit} per year`} isAnimationActive={false}>
              {energyBars.map((b) => (
                <Cell key={b.name} fill={b.energy < 0 ? RED : GREEN} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
    </>
  );
}
